import type { DeviceRecord, LoginRequest } from './api-types.ts';
import { call, download } from './device-api.ts';
import type { StoredDevice } from './device-key.ts';
import type { Words } from './dom.ts';

/** What every screen may read and do: this phone, its citizen, moving to another screen. */
export interface App {
  device: StoredDevice | undefined;
  /** The server's record of this phone and its citizen, once enrolled. */
  me: DeviceRecord | undefined;
  /** The sign-in scanned last, for the consent screen. */
  scanned: LoginRequest | undefined;
  /** An app link this phone opened before it was enrolled: scanned once enrolment is done. */
  pendingLink: string | undefined;
  /** A message for the next screen to show once (why a scan failed, say). */
  flash: Words | undefined;
  go(route: string): void;
  /** Starts following the citizen's notices (once enrolled). */
  followNotices(): void;
  /** A signed request by this phone. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** A signed download by this phone: the file and its name. */
  download(path: string): Promise<{ file: Blob; name: string }>;
}

export interface Screen {
  title: string;
  body: HTMLElement;
  /** Called when the app leaves the screen: stop the camera, close a stream. */
  leave?: () => void;
}

export function createApp(go: (route: string) => void, followNotices: () => void): App {
  const app: App = {
    device: undefined,
    me: undefined,
    scanned: undefined,
    pendingLink: undefined,
    flash: undefined,
    go,
    followNotices,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      if (!app.device) throw new Error('This phone is not enrolled');
      return call<T>(app.device, method, path, body);
    },
    async download(path: string) {
      if (!app.device) throw new Error('This phone is not enrolled');
      return download(app.device, path);
    },
  };
  return app;
}
