import { createApp, type App, type Screen } from './app-state.ts';
import type { DeviceRecord, Notice } from './api-types.ts';
import { ApiError, whenRevoked } from './device-api.ts';
import { loadDevice } from './device-key.ts';
import { followNotices } from './notice-stream.ts';
import { h } from './dom.ts';
import { errorText } from './errors.ts';
import { currentLanguage, setLanguage, w } from './i18n.ts';
import { cardScreen } from './screens/card.ts';
import { consentScreen } from './screens/consent.ts';
import { deviceScreen } from './screens/device.ts';
import { enrolScreen } from './screens/enrolment.ts';
import { historyScreen } from './screens/history.ts';
import { noticesScreen } from './screens/notices.ts';
import { markSeen, unseenIds } from './notice-inbox.ts';
import { replacedScreen, unknownDeviceScreen } from './screens/replaced.ts';
import { scanScreen, scanCode } from './screens/scan.ts';
import { restoreTypedInputs, typedInputs } from './typed-inputs.ts';
import { servicesScreen } from './screens/services.ts';
import { warningRegion } from './warnings.ts';

/*
 * The ThaID app: one page, its screens chosen by the address's fragment (#/scan, #/card, …). An app link
 * (/app/login/<id>, the QR code's content) opened on this phone goes straight to the consent screen.
 */

const screens: Record<string, (app: App) => Screen | Promise<Screen>> = {
  enrol: enrolScreen,
  scan: scanScreen,
  consent: consentScreen,
  card: cardScreen,
  history: historyScreen,
  services: servicesScreen,
  device: deviceScreen,
  notices: (app) =>
    noticesScreen(app, (notices) => {
      if (app.device?.pid) markSeen(app.device.pid, notices);
      unseen.clear();
      noticeCount.refresh();
    }),
  replaced: replacedScreen,
  unknown: unknownDeviceScreen,
};

const navigation = [
  ['scan', 'สแกน', 'Scan'],
  ['card', 'บัตร', 'Card'],
  ['history', 'ประวัติ', 'History'],
  ['services', 'บริการ', 'Services'],
  ['device', 'อุปกรณ์', 'Device'],
] as const;

const root = document.getElementById('app')!;
const warnings = warningRegion();
let current: Screen | undefined;
/** The citizen's notices the inbox has not shown yet, which the header counts. */
const unseen = new Set<string>();
let revoked = false;
/** The server does not know this phone's key: every call would fail until it enrols again. */
let unknownToServer = false;

const app = createApp(
  (route) => {
    // The screen already shown, drawn again (a refused scan, say): what the citizen typed on it stays, to correct.
    if (route === shownRoute) {
      if (location.hash !== `#/${route}`) history.replaceState(null, '', `#/${route}`);
      void showKeepingTyped();
    } else if (location.hash === `#/${route}`) void show();
    else location.hash = `#/${route}`;
  },
  () => {
    followNoticesOf();
    void countUnseen();
  },
);

whenRevoked(() => {
  if (revoked) return;
  revoked = true;
  stopNotices?.();
  app.go('replaced');
});

function routeName(): string {
  const name = location.hash.replace(/^#\//, '');
  if (revoked) return 'replaced';
  if (!app.device?.deviceId) return 'enrol';
  if (unknownToServer) return 'unknown';
  // Enrolment and the screens of a phone that no longer works are where the app sends itself, never a link's choice.
  return name in screens && !['enrol', 'replaced', 'unknown'].includes(name) ? name : 'scan';
}

/** How many notices are new, beside the inbox's link in the header; redrawn in place as notices arrive. */
const noticeCount = (() => {
  const element = h('span', { class: 'count' });
  return {
    element,
    refresh() {
      element.textContent = unseen.size ? w(`ใหม่ ${unseen.size}`, `${unseen.size} new`) : '';
    },
  };
})();

/** The inbox's link, on the screens that show the menu (see nav). */
function noticesLink(active: string): HTMLElement | false {
  if (!app.device?.deviceId || revoked || unknownToServer || active === 'consent') return false;
  noticeCount.refresh();
  return h('a', { href: '#/notices', class: 'notices-link', ...(active === 'notices' ? { 'aria-current': 'page' } : {}) }, w('การแจ้งเตือน', 'Notices'), ' ', noticeCount.element);
}

function header(active: string): HTMLElement {
  const other = currentLanguage() === 'th' ? 'en' : 'th';
  return h(
    'header',
    { class: 'top' },
    h('span', { class: 'brand' }, 'ThaID'),
    noticesLink(active),
    h(
      'button',
      {
        type: 'button',
        class: 'language',
        lang: other,
        'aria-label': other === 'en' ? 'Switch to English' : 'เปลี่ยนเป็นภาษาไทย',
        onclick: async () => {
          setLanguage(other);
          warnings.redraw();
          await showKeepingTyped();
        },
      },
      other === 'en' ? 'English' : 'ไทย',
    ),
  );
}

/** Screens that show the menu: not enrolment, not a replaced phone, not a request awaiting its answer. */
function nav(active: string): HTMLElement | false {
  if (!app.device?.deviceId || revoked || unknownToServer || active === 'consent') return false;
  return h(
    'nav',
    { class: 'tabs', 'aria-label': w('เมนู', 'Menu') },
    navigation.map(([route, th, en]) =>
      h('a', { href: `#/${route}`, ...(route === active ? { 'aria-current': 'page' } : {}) }, w(th, en)),
    ),
  );
}

/** Counts screens asked for: a slow screen that finishes after a newer one was asked for is dropped. */
let shown = 0;
/** The route of the screen on display, which the address may not name (the home screen at /app/). */
let shownRoute: string | undefined;

async function show(): Promise<void> {
  const ticket = ++shown;
  if (streamTakenByAnotherTab && !revoked) followNoticesOf();
  current?.leave?.();
  current = undefined;
  const name = routeName();
  let screen: Screen;
  try {
    screen = await screens[name]!(app);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'device_revoked') return; // the replaced screen is on its way
    screen = { title: 'ThaID', body: h('p', { class: 'message error', role: 'alert' }, errorText(error)) };
  }
  if (ticket !== shown) {
    screen.leave?.();
    return;
  }
  current = screen;
  shownRoute = name;
  const heading = h('h1', { tabindex: -1 }, screen.title);
  root.replaceChildren(header(name), warnings.element, h('main', { id: 'content' }, heading, screen.body), nav(name) || '');
  document.title = `${screen.title} · ThaID`;
  // Focus follows the screen, so a screen reader starts at its title.
  heading.focus();
}

/** The current screen drawn again with what was typed or chosen on it. */
async function showKeepingTyped(): Promise<void> {
  const typed = typedInputs(root);
  await show();
  restoreTypedInputs(root, typed);
}

/** One stream of notices while the app is open: screens that show them refresh, a replaced phone stops. */
let stopNotices: (() => void) | undefined;
/** The server closed this tab's stream for a newer one of this phone; it opens again when this tab is used. */
let streamTakenByAnotherTab = false;
function followNoticesOf(): void {
  stopNotices?.();
  streamTakenByAnotherTab = false;
  if (!app.device) return;
  stopNotices = followNotices(app.device, (event, data) => {
    if (event === 'notification') {
      const notice = data as Notice;
      window.dispatchEvent(new CustomEvent('thaid-notice'));
      warnings.offer(notice);
      // The inbox, if open, shows it at once; elsewhere the header counts it.
      if (shownRoute !== 'notices') {
        unseen.add(notice.id);
        noticeCount.refresh();
      }
    }
    if (event === 'closed' && (data as { reason?: string }).reason === 'stream_limit') streamTakenByAnotherTab = true;
  });
}

/** The notices that came while the app was closed, for the header to count. */
async function countUnseen(): Promise<void> {
  const pid = app.device?.pid;
  if (!pid) return;
  const { notifications } = await app.call<{ notifications: Notice[] }>('GET', '/notifications').catch(() => ({ notifications: [] }));
  if (shownRoute === 'notices') return;
  for (const id of unseenIds(pid, notifications)) unseen.add(id);
  noticeCount.refresh();
}

async function start(): Promise<void> {
  setLanguage(currentLanguage());
  app.device = await loadDevice();
  // Opened from a QR code or the login page's button: the link is the request.
  if (/^\/app\/login\/[\w-]+$/.test(location.pathname)) {
    app.pendingLink = location.href;
    history.replaceState(null, '', '/app/');
  }
  if (app.device?.deviceId) {
    try {
      app.me = await app.call<DeviceRecord>('GET', '/me');
      followNoticesOf();
      void countUnseen();
    } catch (error) {
      // Replaced: the replaced screen is on its way. Unknown to the server: it says so and offers to enrol again.
      // Anything else (offline, a clock that is off): the app still opens, and the screens say what they cannot do.
      const code = error instanceof ApiError ? error.code : undefined;
      if (code === 'invalid_signature') unknownToServer = true;
      else if (code !== 'device_revoked') followNoticesOf();
    }
  }
  window.addEventListener('hashchange', () => void show());
  if (app.device?.deviceId && app.pendingLink && !revoked && !unknownToServer) {
    const link = app.pendingLink;
    app.pendingLink = undefined;
    await scanCode(app, link, 'link');
    return;
  }
  await show();
}

if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/app/service-worker.js', { scope: '/app/' }).catch(() => {});
void start().catch((error: unknown) => {
  const retry = h('button', { type: 'button', class: 'primary', onclick: () => location.reload() }, w('ลองอีกครั้ง', 'Try again'));
  root.replaceChildren(h('main', { id: 'content' }, h('p', { class: 'message error', role: 'alert' }, errorText(error)), retry));
});
