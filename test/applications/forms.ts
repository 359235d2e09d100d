import type { ApplicationForm } from '../../src/applications/form.ts';
import { staffActor, type ApplicationActor } from '../../src/applications/actors.ts';
import type { Citizen } from '../../src/registry/citizen.ts';
import { grantStaffRole } from '../../src/staff/queries.ts';
import type { Role } from '../../src/staff/roles.ts';
import { newCitizen } from '../support/citizens.ts';
import type { TestServer } from '../support/server.ts';

let agencies = 0;

/** A complete request form for a new agency of the test's own, on its own domain, with one website system. */
export function completeForm(administrator: Citizen, overrides: Partial<ApplicationForm> = {}): ApplicationForm {
  const n = ++agencies;
  const domain = `agency${n}.go.th`;
  return {
    kind: 'new',
    agency: {
      nameTh: `สำนักงานทดสอบที่ ${n}`,
      nameEn: `Test Office No. ${n}`,
      abbreviationTh: `สทส.${n}`,
      abbreviationEn: `TO${n}`,
      type: 'state',
      ministry: 'กระทรวงมหาดไทย',
      domain,
      address: `${n} ถนนอัษฎางค์ แขวงวังบูรพาภิรมย์ เขตพระนคร กรุงเทพมหานคร 10200`,
    },
    administrator: {
      pid: administrator.pid,
      name: `${administrator.givenNameTh} ${administrator.familyNameTh}`,
      nameEn: `${administrator.givenNameEn} ${administrator.familyNameEn}`,
      position: 'นักวิชาการคอมพิวเตอร์ชำนาญการ',
      phone: '081-234-5678',
      email: `admin@${domain}`,
    },
    contact: { name: 'สมหญิง รักงาน', position: 'เจ้าหน้าที่ธุรการ', phone: '02-123-4567', email: `contact@it.${domain}` },
    purpose: `ยืนยันตัวตนผู้ใช้บริการออนไลน์ของสำนักงานที่ ${n} · Signing citizens in to office ${n}'s e-services`,
    systems: [
      {
        name: `e-Service ${n}`,
        use: 'website',
        redirectUris: [`https://eservice.${domain}/callback`, `http://localhost:${9000 + n}/callback`],
        dataItems: [
          { scope: 'pid', reason: 'to find the citizen’s record' },
          { scope: 'name', reason: 'to address the citizen' },
          { scope: 'birthdate', reason: 'to check the citizen is of age' },
        ],
        estimatedDailyTransactions: 1200,
      },
    ],
    startDate: '2026-12-31',
    accessControllers: [{ name: 'สมศักดิ์ ดูแลดี', position: 'ผู้อำนวยการกองเทคโนโลยีสารสนเทศ' }],
    conditionsVersion: 1,
    ...overrides,
  };
}

/** A citizen of the test's own holding these staff roles, as the staff console would know them. */
export async function newStaff(server: TestServer, roles: Role[]): Promise<{ citizen: Citizen; actor: ApplicationActor }> {
  const citizen = await newCitizen(server);
  for (const role of roles) await grantStaffRole(server.database.db, citizen.pid, role, 'admin_token');
  return { citizen, actor: await staffActor(server.database.db, citizen.pid) };
}
