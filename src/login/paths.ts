/** Where the browser's login page for an interaction lives. */
export const loginPagePath = (uid: string) => `/login/${encodeURIComponent(uid)}`;

/** The URL in the QR code and behind "open the ThaID app": a phone opens it in the app, a virtual device reads it. */
export const appLinkPath = (loginId: string) => `/app/login/${encodeURIComponent(loginId)}`;

/** The login id an app link names, or undefined when the link is not one. */
export function loginIdOfAppLink(link: URL): string | undefined {
  return /^\/app\/login\/([\w-]{1,64})$/.exec(link.pathname)?.[1];
}
