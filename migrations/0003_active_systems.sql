-- A system that may act right now: it and its agency are both active. The provider's client lookup and the
-- login flow read this view, so suspending or cancelling either takes effect on every path at once.
-- (s.* is expanded when the view is created: a migration adding columns to agency_systems recreates it.)
create view active_systems as
  select s.*, a.name_th as agency_name_th, a.name_en as agency_name_en
  from agency_systems s
  join agencies a on a.id = s.agency_id
  where s.status = 'active' and a.status = 'active';
