import type { App, Screen } from '../app-state.ts';
import { reportApprovedButton } from '../report-approved.ts';
import type { Notice } from '../api-types.ts';
import { h, messageBox } from '../dom.ts';
import { errorText } from '../errors.ts';
import { dateTime, pick, w } from '../i18n.ts';
import { warningKinds } from '../warnings.ts';

/** The sign-in an approval's notice is about, which the citizen may report as not theirs. */
const approvedLogin = (notice: Notice) => (notice.kind === 'login_approved' && typeof notice.details.loginId === 'string' ? notice.details.loginId : undefined);

const noticeView = (app: App, notice: Notice) => {
  const loginId = approvedLogin(notice);
  return h(
    'li',
    // Those that ask the citizen to act stand out, as they do when they arrive.
    { class: `notice${warningKinds.has(notice.kind) ? ' warning' : ''}`, 'data-kind': notice.kind },
    h('p', {}, pick(notice)),
    h('time', { datetime: notice.createdAt }, dateTime(notice.createdAt)),
    loginId ? reportApprovedButton(app, loginId) : false,
  );
};

/**
 * The citizen's inbox, newest first: what was asked of their data, what they approved, phones enrolled or tried
 * with their card, including what came while this phone was offline or before it was enrolled.
 */
export function noticesScreen(app: App, seen: (notices: Notice[]) => void): Screen {
  const message = messageBox();
  const list = h('ol', { class: 'notices' });
  let shownIds = '';
  let loads = Promise.resolve();
  async function loadNow() {
    try {
      const { notifications } = await app.call<{ notifications: Notice[] }>('GET', '/notifications');
      message.clear();
      seen(notifications);
      const ids = notifications.map((notice) => notice.id).join(' ');
      // Redrawn only when something changed: a screen reader reading the list would lose its place.
      if (ids === shownIds && list.childElementCount > 0) return;
      shownIds = ids;
      list.replaceChildren(...(notifications.length ? notifications.map((notice) => noticeView(app, notice)) : [h('li', { class: 'muted' }, w('ยังไม่มีการแจ้งเตือน', 'No notices yet.'))]));
    } catch (error) {
      message.show(errorText(error));
    }
  }
  const load = () => void (loads = loads.then(loadNow));
  load();
  window.addEventListener('thaid-notice', load);
  return {
    title: w('การแจ้งเตือน', 'Notices'),
    body: h(
      'div',
      {},
      h('p', { class: 'muted' }, w('50 รายการล่าสุด ล่าสุดก่อน รวมที่มาถึงขณะโทรศัพท์ออฟไลน์', 'The 50 latest, newest first, including those that came while this phone was offline.')),
      message.element,
      list,
    ),
    leave: () => window.removeEventListener('thaid-notice', load),
  };
}
