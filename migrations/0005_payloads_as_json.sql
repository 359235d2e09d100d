-- oidc-provider's payloads are stored and read whole, never queried inside. As json (text kept as sent) rather
-- than jsonb they keep values jsonb refuses, such as a NUL in an opaque state parameter a client sends, and
-- cost less to write.
alter table oidc_payloads alter column payload type json using payload::json;
