import { describe, expect, it } from 'vitest';
import { describeBrowser } from '../../src/login/browser-description.ts';

describe("a sign-in's browser as people read it", () => {
  const chrome = { device: 'desktop', browser: 'Chrome 131', os: 'Windows 10', network: '203.0.113.0/24' };

  it('names the kind of device, the browser on its system, and the network, in English or Thai', () => {
    expect(describeBrowser(chrome)).toBe('computer · Chrome 131 on Windows 10 · network 203.0.113.0/24');
    expect(describeBrowser(chrome, 'th')).toBe('คอมพิวเตอร์ · Chrome 131 บน Windows 10 · เครือข่าย 203.0.113.0/24');
  });

  it('says as much as the browser told, and no more', () => {
    expect(describeBrowser({ device: 'unknown', browser: '', os: '', network: '' })).toBe('unknown device');
    expect(describeBrowser({ device: 'mobile', browser: '', os: 'iOS 17' }, 'th')).toBe('โทรศัพท์ · iOS 17');
    expect(describeBrowser({ device: 'a kind no one knows', browser: 'curl 8', os: '' })).toBe('unknown device · curl 8');
  });
});
