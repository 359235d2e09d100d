/* What the device API answers, as this app reads it (see docs/device-api.openapi.yaml). */

import type { Citizen } from '../../registry/citizen.ts';

export type { Citizen };

export interface Labelled {
  th: string;
  en: string;
}

export interface DeviceRecord {
  deviceId: string;
  name: string;
  enrolledAt: string;
  method: 'self' | 'office';
  pinAttemptsLeft?: number;
  citizen: Citizen;
}

export interface LoginRequest {
  id: string;
  status: string;
  expiresAt: string;
  agency: Labelled;
  system: string;
  purpose: string;
  dataItems: ({ scope: string } & Labelled)[];
  numberChoices: number[];
  requestedAt: string;
  browser: { device: string; browser: string; os: string; network: string };
}

export interface HistoryEntry {
  leafIndex: number;
  at: string;
  kind: 'disclosure' | 'event';
  event?: string;
  endpoint?: string;
  agency: { id: string } & Labelled;
  system: { clientId: string; name: string };
  items: { scope: string; th?: string; en?: string }[];
  purpose: string;
}

export interface ConnectedService {
  clientId: string;
  agency: Labelled;
  system: string;
  /** False once DOPA suspended or cancelled the system: it can no longer use the consent, which may still be withdrawn. */
  active: boolean;
  dataItems: ({ scope: string } & Labelled)[];
  firstGrantedAt: string;
  lastGrantedAt: string;
}

/** A notice of the citizen's inbox, as the inbox and the live stream give it. */
export interface Notice extends Labelled {
  id: string;
  kind: string;
  details: Record<string, unknown>;
  createdAt: string;
}
