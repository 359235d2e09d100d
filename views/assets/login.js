// Follows the sign-in's status live and carries the browser on once the phone has answered.
(() => {
  const section = document.getElementById('login');
  if (!section) return;
  // The first page is the authorization endpoint's answer; the address bar shows the page's own address, so
  // that reloading it shows this sign-in again rather than starting another.
  if (window.location.pathname !== section.dataset.page) window.history.replaceState(null, '', section.dataset.page);
  const statusLine = section.querySelector('.status');
  const renewForm = section.querySelector('form.renew');
  const texts = JSON.parse(section.dataset.texts || '{}');
  // By status: a new code where it gains time, the sign-in's end where it does not; answer on the phone once scanned.
  const warnings = JSON.parse(section.dataset.warnings || '{}');
  const renewable = section.dataset.renewable === 'true';
  // Another tab of this sign-in may ask for a new code: this page's code, number and QR code are then no longer
  // the sign-in's, and a page showing the new QR code beside the old number would have the phone refuse it.
  const pageCode = section.querySelector('.short-code')?.textContent;
  const replaced = (code) => Boolean(code) && code !== pageCode;
  let done = false;
  let warned = false;
  const isOpen = () => section.dataset.status === 'pending' || section.dataset.status === 'scanned';
  // Thai, then the English marked as English, as the page draws it.
  const phrase = ([th, en]) => {
    if (!en) return [th];
    const english = document.createElement('span');
    english.lang = 'en';
    english.textContent = en;
    return [`${th} · `, english];
  };
  // The warning follows the status in the one live region, so that a scan meanwhile changes it rather than
  // taking it away; the button for a new code goes with the warning that offers one.
  const writeStatus = () => {
    const status = section.dataset.status;
    const words = phrase(texts[status] || [status, '']);
    if (warned && warnings[status]) {
      const warning = document.createElement('span');
      warning.className = 'expiry-warning';
      warning.append(...phrase(warnings[status]));
      words.push(' ', warning);
    }
    statusLine.replaceChildren(...words);
    if (isOpen()) renewForm.hidden = !(warned && status === 'pending' && renewable);
  };
  const show = (status, code) => {
    if (done) return;
    if (replaced(code)) {
      done = true;
      return window.location.reload();
    }
    // An answer always moves the browser on, even one the page was already drawn with.
    const answered = status === 'approved' || status === 'denied';
    if (!answered && status === section.dataset.status) return;
    section.dataset.status = status;
    // An answer or the code's end replaces the warning.
    if (!isOpen()) warned = false;
    writeStatus();
    if (answered) {
      done = true;
      window.location.replace(section.dataset.page);
    } else if (status === 'expired' || status === 'cancelled') {
      // The page knows how to offer a new code.
      done = true;
      window.location.reload();
    }
  };
  const poll = () => {
    const timer = setInterval(async () => {
      if (done) return clearInterval(timer);
      try {
        const response = await fetch(section.dataset.poll, { headers: { accept: 'application/json' } });
        if (response.ok) {
          const current = await response.json();
          show(current.status, current.code);
        }
        else if (response.status < 500) {
          // The sign-in itself has ended; the page says so.
          done = true;
          window.location.reload();
        }
      } catch {
        // Keep polling; the network may come back.
      }
    }, 2000);
  };
  // The QR code changes every few seconds, so a photo of it soon stops working: drawn anew while it waits.
  const redrawQr = async () => {
    if (done || section.dataset.status !== 'pending') return;
    try {
      const response = await fetch(section.dataset.qr, { headers: { accept: 'application/json' } });
      if (response.ok) {
        const qr = await response.json();
        if (replaced(qr.code)) return show(section.dataset.status, qr.code);
        section.querySelector('.qr-image').innerHTML = qr.svg;
        section.querySelector('.app-link').href = qr.appLink;
        return setTimeout(redrawQr, qr.changesInSeconds * 1000 + 100);
      }
    } catch {
      // The next try may reach the server.
    }
    setTimeout(redrawQr, Number(section.dataset.qrSeconds) * 1000);
  };
  // A page drawn with an answer or a dead code waits for nothing: the answer moves on, the code needs a new page.
  const initial = section.dataset.status;
  if (initial === 'approved' || initial === 'denied') return show(initial);
  if (initial === 'expired' || initial === 'cancelled') return;
  // The code's time is a security limit: a little before it ends the page says so, and offers a new code where
  // one would last longer, leaving focus where it is, as someone may be typing. The server says how long is left.
  const warn = () => {
    if (done || !isOpen()) return;
    warned = true;
    writeStatus();
  };
  setTimeout(warn, Math.max(0, Number(section.dataset.secondsLeft) - Number(section.dataset.warningSeconds)) * 1000);
  // The new code's page is on its way: the old code's end, which the renewal causes, must not reload over it.
  renewForm.addEventListener('submit', () => {
    done = true;
  });
  if (initial === 'pending') setTimeout(redrawQr, Number(section.dataset.qrSeconds) * 1000);
  if (!('EventSource' in window)) return poll();
  const events = new EventSource(section.dataset.events);
  events.addEventListener('status', (event) => {
    const current = JSON.parse(event.data);
    show(current.status, current.code);
  });
  events.onerror = () => {
    if (done) return events.close();
    events.close();
    poll();
  };
})();
