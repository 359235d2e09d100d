/** Token and artefact lifetimes in seconds, in one place so key rotation can rely on them. */
export const lifetimes = {
  AuthorizationCode: 60,
  AccessToken: 60 * 60,
  IdToken: 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  Grant: 14 * 24 * 60 * 60,
  Interaction: 10 * 60,
  Session: 24 * 60 * 60,
} as const;

/** How long a superseded signing key stays published: the longest-lived signed token plus clock skew. */
export const retiredKeyPublishSeconds = lifetimes.IdToken + 5 * 60;
