import type { Context } from 'koa';
import { AppError, ForbiddenError } from '../errors.ts';
import { consoles } from './consoles.ts';
import { redirectWithNotice, type Notice } from './notices.ts';
import { ConsolePageError, type PageAction } from './page-errors.ts';
import { leaveRefusedForm, type FormOutcome } from './staff-form-state.ts';

const site = consoles.staff;

/** What each refusal of the domain means, in Thai; the domain's own English message goes beside it. */
const thaiReasons: Record<string, string> = {
  invalid_request: 'ข้อมูลในแบบฟอร์มไม่ถูกต้องหรือไม่ครบ',
  not_found: 'ไม่พบรายการนี้',
  wrong_status: 'สถานะของคำขอไม่อนุญาตให้ทำขั้นตอนนี้ (อาจมีผู้อื่นดำเนินการไปก่อนแล้ว)',
  not_permitted: 'บทบาทของคุณทำขั้นตอนนี้ไม่ได้',
  own_agency: 'ผู้ดูแลของหน่วยงานจะเปลี่ยนสถานะของหน่วยงานนั้นหรือระบบของหน่วยงานนั้นเองไม่ได้ ต้องให้เจ้าหน้าที่คนอื่นดำเนินการ',
  own_preparation: 'ผู้ที่เตรียมอนุมัติคำขอจะอนุมัติคำขอนั้นเองไม่ได้ ต้องให้ผู้อนุมัติอีกคนหนึ่งอนุมัติ',
  cancelled: 'รายการนี้ถูกยกเลิกแล้ว และการยกเลิกเป็นการถาวร',
  no_change: 'ไม่มีอะไรเปลี่ยนแปลง',
  change_scheduled: 'มีการเปลี่ยนสถานะที่กำหนดเวลาไว้แล้ว รอให้มีผลก่อน หรือถอนการเปลี่ยนแปลงนั้นก่อน',
  not_scheduled: 'การเปลี่ยนแปลงนี้มีผลแล้ว มาพร้อมหนังสือแจ้ง หรือถอนไปแล้ว จึงถอนไม่ได้',
  first_party: 'ระบบของกรมการปกครองเองระงับหรือยกเลิกไม่ได้',
  publication_conflict: 'มีการประกาศเงื่อนไขฉบับอื่นในเวลาเดียวกัน',
  no_such_system: 'ระบบนี้ไม่ใช่ของหน่วยงานแล้ว',
  application_changed: 'คำขอเปลี่ยนไปหลังจากที่หน้านี้แสดง โปรดโหลดหน้านี้ใหม่ แล้วดำเนินการตามที่แสดงอยู่ในตอนนี้',
  already_granted: 'ผู้นี้มีบทบาทนี้อยู่แล้ว',
  not_agency_system: 'คำขอระบุระบบที่ไม่ใช่ระบบของหน่วยงานนี้',
  system_cancelled: 'ระบบที่คำขอขอเพิ่มสิทธิ์ถูกยกเลิกแล้ว การยกเลิกเป็นที่สุด จึงเพิ่มสิทธิ์ให้ไม่ได้ ให้เตรียมอนุมัติโดยไม่รวมระบบนั้น หรือไม่อนุมัติคำขอ',
};

/** A refusal of the domain as the notice on the page the browser goes back to. */
function problemNotice(error: AppError): Notice {
  return { kind: 'problem', th: `ไม่ได้ดำเนินการ: ${thaiReasons[error.code] ?? 'คำขอไม่ถูกต้อง'}`, en: `Nothing was done: ${error.message}` };
}

/**
 * Runs a form's action. Done: back to `location` with the notice `done` gives. Refused for a reason the person
 * can fix (bad input, a status changed meanwhile): back with the reason, and with the fields at fault and what was
 * typed when the action names them. Refused because the person may not do it at all: a 403 page saying why, as a
 * forged form would get.
 */
export async function actAndGoBack(ctx: Context, location: string, action: () => Promise<FormOutcome>, actions: PageAction[] = []): Promise<void> {
  let outcome: FormOutcome;
  try {
    outcome = await action();
  } catch (error) {
    if (error instanceof ForbiddenError) {
      throw new ConsolePageError(
        403,
        { th: 'ไม่อนุญาตให้ดำเนินการ', en: 'Not permitted' },
        [
          { th: thaiReasons[error.code] ?? 'บทบาทของคุณทำขั้นตอนนี้ไม่ได้', en: error.message },
          { th: 'ไม่มีการดำเนินการใด ๆ', en: 'Nothing was done.' },
        ],
        [...actions, { href: site.basePath, th: 'กลับหน้าหลัก', en: 'Back to the home page' }],
      );
    }
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    outcome = problemNotice(error);
  }
  const { refused, ...notice } = outcome;
  if (refused) leaveRefusedForm(ctx, location, refused);
  redirectWithNotice(ctx, site, location, notice);
}
