import type { App, Screen } from '../app-state.ts';
import type { ConnectedService } from '../api-types.ts';
import { h, messageBox } from '../dom.ts';
import { errorText } from '../errors.ts';
import { dateTime, pick, w } from '../i18n.ts';

/** The systems the citizen has let sign them in; withdrawing one ends its access at once. */
export async function servicesScreen(app: App): Promise<Screen> {
  const message = messageBox();
  const list = h('ul', { class: 'services' });
  const { services } = await app.call<{ services: ConnectedService[] }>('GET', '/connected-services');

  const serviceView = (service: ConnectedService) => {
    const withdraw = h('button', { type: 'button', class: 'withdraw' }, w('ถอนความยินยอม', 'Withdraw')) as HTMLButtonElement;
    const item = h(
      'li',
      { class: 'service', 'data-client-id': service.clientId },
      h('p', {}, h('strong', {}, pick(service.agency)), h('span', { class: 'muted' }, ` · ${service.system}`)),
      service.active ? false : h('p', { class: 'status' }, w('ถูกระงับโดยกรมการปกครอง', 'Suspended by DOPA')),
      h('p', { class: 'muted' }, service.dataItems.map((dataItem) => pick(dataItem)).join(', ') || w('การเข้าสู่ระบบเท่านั้น', 'Sign-in only')),
      h('p', { class: 'muted' }, w(`ล่าสุด ${dateTime(service.lastGrantedAt)}`, `Last ${dateTime(service.lastGrantedAt)}`)),
      withdraw,
    );
    // The first tap asks, the second withdraws: nothing ends by a slip of the thumb.
    let asked = false;
    withdraw.addEventListener('click', async () => {
      if (!asked) {
        asked = true;
        withdraw.textContent = w('แตะอีกครั้งเพื่อยืนยันการถอน', 'Tap again to withdraw');
        withdraw.classList.add('confirm');
        return;
      }
      withdraw.disabled = true;
      try {
        await app.call('DELETE', `/connected-services/${encodeURIComponent(service.clientId)}`);
        item.remove();
        // The button that had focus is gone: the message takes it, and says what happened.
        message.show(w(`ถอนความยินยอมจาก ${pick(service.agency)} แล้ว`, `Consent withdrawn from ${pick(service.agency)}.`), 'ok');
        message.element.tabIndex = -1;
        message.element.focus();
        if (!list.children.length) list.append(empty());
      } catch (error) {
        withdraw.disabled = false;
        message.show(errorText(error));
      }
    });
    return item;
  };
  const empty = () => h('li', { class: 'muted' }, w('ยังไม่ได้ให้ความยินยอมกับบริการใด', 'No service holds your consent.'));
  list.append(...(services.length ? services.map(serviceView) : [empty()]));
  return {
    title: w('บริการที่เชื่อมต่อ', 'Connected services'),
    body: h('div', {}, h('p', { class: 'muted' }, w('บริการที่คุณอนุญาตให้เข้าถึงข้อมูล การถอนจะยกเลิกสิทธิ์และโทเคนทั้งหมดทันที', 'Services you let see your data. Withdrawing ends their access and every token at once.')), message.element, list),
  };
}
