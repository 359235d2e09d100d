import type { DeviceApiError } from '../../src/devices/virtual-device.ts';

/** The Authorization header of client_secret_basic. */
export const basicAuth = (clientId: string, secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

/** The error a device API call was refused with, or undefined when it succeeded. */
export const refusal = (promise: Promise<unknown>): Promise<DeviceApiError | undefined> =>
  promise.then(
    () => undefined,
    (error: DeviceApiError) => error,
  );
