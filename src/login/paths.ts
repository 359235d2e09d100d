import { endpointPaths } from '../oidc/paths.ts';

/**
 * Where the browser's login page for an interaction lives: at the address where oidc-provider resumes the
 * authorization (the authorization endpoint's path, then the interaction's uid). The page shows the code until
 * the citizen has answered; from then on the same address carries the browser on to the relying party.
 */
export const loginPagePath = (uid: string) => `${endpointPaths.authorization}${encodeURIComponent(uid)}`;
/** The same, as a route pattern. */
export const loginPageRoute = `${endpointPaths.authorization}:uid`;

/** The URL in the QR code and behind "open the ThaID app": a phone opens it in the app, a virtual device reads it. */
export const appLinkPath = (loginId: string) => `/app/login/${encodeURIComponent(loginId)}`;

/** The login id an app link names, or undefined when the link is not one. */
export function loginIdOfAppLink(link: URL): string | undefined {
  return /^\/app\/login\/([\w-]{1,64})$/.exec(link.pathname)?.[1];
}

const authorizationPrefix = endpointPaths.authorization.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const loginIdsInPaths: [RegExp, string][] = [
  [new RegExp(`^(${authorizationPrefix})[^/]+`), '$1:uid'],
  [/^(\/app\/login\/)[^/]+/, '$1:id'],
  [/^(\/device\/v\d+\/logins\/)(?!scan$)[^/]+/, '$1:id'],
];

/**
 * A path as the access log writes it: a login page's address, an app link and a device's answer name the sign-in
 * they are for, and whoever holds such a link can follow it; the log keeps the route, not the id.
 */
export function withoutLoginIds(path: string): string {
  for (const [pattern, replacement] of loginIdsInPaths) if (pattern.test(path)) return path.replace(pattern, replacement);
  return path;
}
