// Follows the sign-in's status live and carries the browser on once the phone has answered.
(() => {
  const section = document.getElementById('login');
  if (!section) return;
  // The first page is the authorization endpoint's answer; the address bar shows the page's own address, so
  // that reloading it shows this sign-in again rather than starting another.
  if (window.location.pathname !== section.dataset.page) window.history.replaceState(null, '', section.dataset.page);
  const statusLine = section.querySelector('.status');
  const texts = JSON.parse(section.dataset.texts || '{}');
  let done = false;
  const show = (status) => {
    if (done) return;
    // An answer always moves the browser on, even one the page was already drawn with.
    const answered = status === 'approved' || status === 'denied';
    if (!answered && status === section.dataset.status) return;
    section.dataset.status = status;
    // Thai, then the English marked as English, as the page draws it.
    const [th, en] = texts[status] || [status, ''];
    const english = document.createElement('span');
    english.lang = 'en';
    english.textContent = en;
    statusLine.replaceChildren(en ? `${th} · ` : th, ...(en ? [english] : []));
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
        if (response.ok) show((await response.json()).status);
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
  if (initial === 'pending') setTimeout(redrawQr, Number(section.dataset.qrSeconds) * 1000);
  if (!('EventSource' in window)) return poll();
  const events = new EventSource(section.dataset.events);
  events.addEventListener('status', (event) => show(JSON.parse(event.data).status));
  events.onerror = () => {
    if (done) return events.close();
    events.close();
    poll();
  };
})();
