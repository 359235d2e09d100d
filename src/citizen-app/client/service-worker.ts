/*
 * The app's service worker: keeps the app's shell (page, script, styles, icons) for when the network is gone, and
 * never touches API answers, which are the citizen's data and are signed per request.
 */
declare const SHELL_VERSION: string;
declare const SHELL_FILES: string[];

const worker = globalThis as unknown as ServiceWorkerGlobalScope;
const cacheName = `thaid-app-${SHELL_VERSION}`;

worker.addEventListener('install', (event) => {
  // Past the browser's HTTP cache, which may still hold the previous version's files.
  event.waitUntil(caches.open(cacheName).then((cache) => cache.addAll(SHELL_FILES.map((path) => new Request(path, { cache: 'reload' })))).then(() => worker.skipWaiting()));
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith('thaid-app-') && name !== cacheName).map((name) => caches.delete(name))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  // Only the app's own GETs; the device API and everything else go to the network untouched.
  if (event.request.method !== 'GET' || url.origin !== worker.location.origin || !url.pathname.startsWith('/app/')) return;
  // Network first, so a new version shows at once; the kept shell when offline. Every app address is the shell.
  const shellPath = url.pathname.startsWith('/app/login/') ? '/app/' : url.pathname;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok && SHELL_FILES.includes(shellPath) && shellPath === url.pathname) {
          const copy = response.clone();
          void caches.open(cacheName).then((cache) => cache.put(shellPath, copy));
        }
        return response;
      })
      .catch(async () => (await caches.match(shellPath)) ?? Response.error()),
  );
});

export {};
