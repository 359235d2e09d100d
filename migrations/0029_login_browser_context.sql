-- The browser that started a sign-in, coarsely (device kind, browser and system by name and major version, the
-- network its address belongs to), shown on the citizen's phone so they can tell a stranger's request from their
-- own. Written with the transaction by src/login/queries.ts; null for sign-ins started before it was kept.
alter table login_transactions add column browser jsonb;
