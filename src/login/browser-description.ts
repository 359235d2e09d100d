/*
 * A sign-in's browser as people read it: on the citizen's phone (Thai or English), in the CLI and in the staff
 * console. Pure, so the phone app's bundle uses it too.
 */

export type Language = 'th' | 'en';

const deviceKinds: Record<string, Record<Language, string>> = {
  desktop: { th: 'คอมพิวเตอร์', en: 'computer' },
  mobile: { th: 'โทรศัพท์', en: 'phone' },
  tablet: { th: 'แท็บเล็ต', en: 'tablet' },
  tv: { th: 'ทีวี', en: 'TV' },
  bot: { th: 'โปรแกรมอัตโนมัติ', en: 'automated program' },
  unknown: { th: 'อุปกรณ์ที่ไม่ทราบ', en: 'unknown device' },
};

/** "computer · Chrome 131 on Windows 10 · network 203.0.113.0/24", or as much of it as the browser told. */
export function describeBrowser(b: { device: string; browser: string; os: string; network?: string }, language: Language = 'en'): string {
  const th = language === 'th';
  const kind = (deviceKinds[b.device] ?? deviceKinds['unknown']!)[language];
  const software = [b.browser, b.os].filter(Boolean).join(th ? ' บน ' : ' on ');
  const network = b.network && (th ? `เครือข่าย ${b.network}` : `network ${b.network}`);
  return [kind, software, network].filter(Boolean).join(' · ');
}
