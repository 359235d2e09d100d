/** Where the browser's login page for an interaction lives. */
export const loginPagePath = (uid: string) => `/login/${encodeURIComponent(uid)}`;

/** The URL in the QR code and behind "open the ThaID app": a phone opens it in the app, a virtual device reads it. */
export const appLinkPath = (loginId: string) => `/app/login/${encodeURIComponent(loginId)}`;
