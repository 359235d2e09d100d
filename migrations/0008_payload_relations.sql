-- The client a stored payload names, beside the grant it names (grant_id): the provider storage reads a token
-- or an interaction together with its grant and client by these columns, without parsing the payload. Rows
-- stored before this migration have none; their grant and client are then simply looked up on their own.
alter table oidc_payloads add column client_id text;
