import type { App, Screen } from '../app-state.ts';
import type { HistoryEntry } from '../api-types.ts';
import { h, messageBox } from '../dom.ts';
import { errorText } from '../errors.ts';
import { dateTime, pick, w } from '../i18n.ts';

const eventNames: Record<string, [string, string]> = {
  approved: ['คุณยืนยันคำขอ', 'You approved the request'],
  denied: ['คุณปฏิเสธคำขอ', 'You refused the request'],
  wrong_pin: ['ใส่ PIN ผิด', 'A wrong PIN was entered'],
  pin_locked: ['โทรศัพท์ถูกล็อกเพราะใส่ PIN ผิด', 'The phone was locked after wrong PINs'],
  reported: ['คุณรายงานว่าไม่ได้ขอ', 'You reported it was not you'],
  wrong_number: ['เลือกตัวเลขไม่ตรง คำขอถูกปฏิเสธ', 'A wrong number was picked; refused'],
  device_enrolled: ['ลงทะเบียนโทรศัพท์', 'A phone was enrolled'],
  enrolment_failed: ['การลงทะเบียนไม่สำเร็จ', 'An enrolment failed'],
  device_removed: ['คุณลบ ThaID ออกจากโทรศัพท์', 'You removed ThaID from a phone'],
  consent_withdrawn: ['คุณถอนความยินยอม', 'You withdrew your consent'],
};

const endpoints: Record<string, [string, string]> = {
  token: ['ส่งข้อมูลพร้อมโทเคน', 'Given with the tokens'],
  userinfo: ['ส่งข้อมูลผ่าน userinfo', 'Given through userinfo'],
};

function entryView(entry: HistoryEntry): HTMLElement {
  const what =
    entry.kind === 'disclosure'
      ? w(...(endpoints[entry.endpoint ?? ''] ?? ['ส่งข้อมูล', 'Data given']))
      : w(...(eventNames[entry.event ?? ''] ?? [entry.event ?? '', entry.event ?? '']));
  const items = entry.items.filter((item) => item.th || item.en);
  return h(
    'li',
    { class: `entry ${entry.kind}` },
    h('p', { class: 'entry-head' }, h('strong', {}, what), h('time', { datetime: entry.at }, dateTime(entry.at))),
    h('p', {}, pick(entry.agency), entry.system.name ? h('span', { class: 'muted' }, ` · ${entry.system.name}`) : false),
    items.length ? h('p', { class: 'muted' }, items.map((item) => pick({ th: item.th ?? '', en: item.en ?? '' })).join(', ')) : false,
  );
}

const POLL_MS = 20_000;

/** The citizen's history, newest first, a page at a time; new entries appear while the screen is open. */
export function historyScreen(app: App): Screen {
  const message = messageBox();
  const list = h('ol', { class: 'history' });
  const more = h('button', { type: 'button', hidden: true }, w('ดูเพิ่ม', 'Show more')) as HTMLButtonElement;
  let cursor: string | null = null;
  // The entries shown, by their place in the ledger, so a look again that finds nothing new leaves the list alone.
  let shown: number[] = [];
  // Loads run one after another: a second tap on Show more, or a refresh, waits for the load before it.
  let loads = Promise.resolve();

  /**
   * The first page again (after a notice, or now and then), as many entries as are shown, so a page the citizen
   * opened stays open; or the next page.
   */
  async function loadNow(reset: boolean) {
    try {
      const limit = reset ? Math.min(200, Math.max(20, shown.length)) : 20;
      const query = !reset && cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await app.call<{ entries: HistoryEntry[]; nextCursor: string | null }>('GET', `/history?limit=${limit}${query}`);
      message.clear();
      const found = page.entries.map((entry) => entry.leafIndex);
      cursor = page.nextCursor;
      more.hidden = !cursor;
      // Redrawn only when something changed: a screen reader reading the list would lose its place.
      if (reset && list.childElementCount > 0 && found.length === shown.length && found.every((leaf, i) => leaf === shown[i])) return;
      if (reset) {
        list.replaceChildren();
        shown = [];
      }
      list.append(...page.entries.map(entryView));
      shown.push(...found);
      if (reset && !page.entries.length) list.append(h('li', { class: 'muted' }, w('ยังไม่มีประวัติ', 'Nothing yet.')));
    } catch (error) {
      message.show(errorText(error));
    }
  }
  const load = (reset: boolean) => (loads = loads.then(() => loadNow(reset)));
  more.addEventListener('click', async () => {
    more.disabled = true;
    await load(false);
    more.disabled = false;
  });
  void load(true);

  /** The whole history saved on the phone as a file: the download the server signs its answer to. */
  const exportButton = (format: 'csv' | 'json', label: string) => {
    const button = h('button', { type: 'button', class: 'small', 'data-format': format }, label) as HTMLButtonElement;
    button.addEventListener('click', async () => {
      if (button.disabled) return;
      button.disabled = true;
      try {
        const { file, name } = await app.download(`/history/export?format=${format}`);
        const link = h('a', { href: URL.createObjectURL(file), download: name, hidden: true }) as HTMLAnchorElement;
        document.body.append(link);
        link.click();
        link.remove();
        // Kept a while: the browser may still be reading it when click() returns.
        setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      } catch (error) {
        message.show(errorText(error));
      } finally {
        button.disabled = false;
      }
    });
    return button;
  };
  const exports = h(
    'div',
    { class: 'history-export', role: 'group', 'aria-labelledby': 'history-export-label' },
    h('p', { id: 'history-export-label', class: 'label' }, w('บันทึกประวัติทั้งหมดเป็นไฟล์', 'Save the whole history as a file')),
    exportButton('csv', w('CSV (เปิดในโปรแกรมตาราง)', 'CSV (for a spreadsheet)')),
    exportButton('json', 'JSON'),
  );
  // Requests and answers arrive as notices; releases (a relying party reading the data) do not, so the screen
  // also looks again now and then while it is open.
  const reload = () => void load(true);
  window.addEventListener('thaid-notice', reload);
  const poll = setInterval(reload, POLL_MS);
  return {
    title: w('ประวัติการใช้ข้อมูล', 'History'),
    body: h(
      'div',
      {},
      h('p', { class: 'muted' }, w('ทุกครั้งที่ข้อมูลของคุณถูกส่ง และทุกคำขอ ล่าสุดก่อน', 'Every time your data was given, and every request, newest first.')),
      exports,
      message.element,
      list,
      more,
    ),
    leave: () => {
      window.removeEventListener('thaid-notice', reload);
      clearInterval(poll);
    },
  };
}
