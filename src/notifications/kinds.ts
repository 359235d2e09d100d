/**
 * What a notice is about: a request for the citizen's data (from the scan on), an approval, their device replaced
 * by a new enrolment, an enrolment for them that failed, another device scanning a sign-in already claimed.
 */
export const notificationKinds = ['data_request', 'login_approved', 'device_replaced', 'enrolment_failed', 'second_scan'] as const;
export type NotificationKind = (typeof notificationKinds)[number];
