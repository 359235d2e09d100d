/**
 * Token and artefact lifetimes in seconds, in one place so key rotation can rely on them. Access and refresh
 * tokens live 15 minutes, as the real service's official samples say; so does its ID token seen in public code.
 */
export const lifetimes = {
  AuthorizationCode: 60,
  AccessToken: 15 * 60,
  IdToken: 15 * 60,
  RefreshToken: 15 * 60,
  Grant: 14 * 24 * 60 * 60,
  Interaction: 10 * 60,
  Session: 24 * 60 * 60,
} as const;

/** How long a superseded signing key stays published: the longest-lived signed token plus clock skew. */
export const retiredKeyPublishSeconds = lifetimes.IdToken + 5 * 60;
