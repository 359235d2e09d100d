/** Where the device API lives; the virtual device and the routes share it. */
export const deviceApiPrefix = '/device/v1';
