import type { AgencyNoticeKind, Status } from '../db/schema.ts';
import { dataItems } from '../oidc/scopes.ts';
import type { Bilingual } from './page-errors.ts';

/* The names both the staff console and the agency portal give to statuses, notices and data items. */

export const statusLabels: Record<Status, Bilingual> = {
  active: { th: 'ใช้งานได้', en: 'Active' },
  suspended: { th: 'ระงับชั่วคราว', en: 'Suspended' },
  cancelled: { th: 'ยกเลิกแล้ว', en: 'Cancelled' },
};

export const noticeKindLabels: Record<AgencyNoticeKind, Bilingual> = {
  suspension: { th: 'ระงับการใช้งาน', en: 'Suspension' },
  cancellation: { th: 'ยกเลิกการอนุญาต', en: 'Cancellation' },
  reinstatement: { th: 'คืนสิทธิ์การใช้งาน', en: 'Reinstatement' },
};

const dataItemLabels = new Map(dataItems.map((item) => [item.scope, { th: item.th, en: item.en }]));

/** A data item by its scope, with its Thai and English names; an unknown scope as it is. */
export const dataItemLabel = (scope: string): Bilingual & { scope: string } => ({ scope, ...(dataItemLabels.get(scope) ?? { th: scope, en: scope }) });
