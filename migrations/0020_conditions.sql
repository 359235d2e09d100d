-- The conditions of use that agencies accept (clause 5 of the announcements) and that DOPA may add to or change at
-- once (clause 10(3) of the 2024 announcement). A version is never changed or removed once published; publishing a
-- new one supersedes the previous at once. Version 1 summarises the announcement's clauses.
create table conditions_versions (
  version integer primary key check (version > 0),
  text_th text not null check (text_th <> ''),
  text_en text not null check (text_en <> ''),
  published_at timestamptz not null default now(),
  published_by text not null check (published_by <> '')
);

create trigger conditions_versions_never_changed before update or delete on conditions_versions
  for each row execute function ledger_refuse_change();
create trigger conditions_versions_no_truncate before truncate on conditions_versions
  for each statement execute function ledger_refuse_change();

insert into conditions_versions (version, text_th, text_en, published_by) values (1,
$th$1. ใช้บริการเพื่อวัตถุประสงค์ที่ได้รับอนุญาตเท่านั้น
2. ใช้ได้เฉพาะระบบคอมพิวเตอร์ที่แจ้งไว้และได้รับอนุญาต ระบบอื่นต้องขออนุญาตก่อน
3. ไม่เปิดเผยข้อมูลที่ได้รับโดยความยินยอมของเจ้าของข้อมูลต่อผู้อื่นโดยไม่ได้รับความยินยอม และไม่ใช้ในทางที่ก่อความเสียหาย หน่วยงานรับผิดชอบความเสียหายที่เกิดขึ้น
4. แต่งตั้งเจ้าหน้าที่ควบคุมและตรวจสอบการเข้าถึงข้อมูลของบุคลากรในหน่วยงาน
5. จัดหาอุปกรณ์และรับภาระค่าใช้จ่ายของตนเอง และเก็บรักษารหัสลับของระบบไว้เป็นความลับ
6. กรมการปกครองอาจระงับหรือยกเลิกการอนุญาตเมื่อมีการฝ่าฝืน โดยแจ้งเป็นหนังสือก่อนหรือหลังก็ได้ และอาจเพิ่มเติมหรือเปลี่ยนแปลงเงื่อนไขได้โดยมีผลทันที$th$,
$en$1. Use the service only for the permitted purpose.
2. Use it only from the computer systems declared and permitted; any other system needs permission first.
3. Do not disclose data obtained with its owner's consent to anyone else without that consent, and do not use it to cause harm; the agency is liable for any damage.
4. Appoint staff to control and monitor the agency's people's access to the data.
5. Provide your own equipment and bear your own costs, and keep the systems' secrets confidential.
6. DOPA may suspend or cancel the permission on a breach, with written notice before or after, and may add to or change these conditions with immediate effect.$en$,
'migration');
