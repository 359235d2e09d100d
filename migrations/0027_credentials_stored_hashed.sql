-- Codes and tokens are bearer credentials: from now on a row of one is stored under the SHA-256 of its value
-- (base64url, as src/oidc/adapter.ts computes it) and its payload without the jti, which is the value again.
-- Rows stored before are converted here, so codes and tokens already issued keep working. (A payload holding an
-- escaped NUL cannot pass through jsonb to lose its jti; its id is hashed all the same.)
update oidc_payloads
  set id = rtrim(translate(encode(sha256(convert_to(id, 'UTF8')), 'base64'), '+/', '-_'), '=')
  where model in ('AccessToken', 'RefreshToken', 'AuthorizationCode');
update oidc_payloads
  set payload = cast(cast(payload as jsonb) - 'jti' as json)
  where model in ('AccessToken', 'RefreshToken', 'AuthorizationCode') and strpos(payload::text, '\u0000') = 0;
