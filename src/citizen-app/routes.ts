import Router from '@koa/router';
import type { Context } from 'koa';
import { NotFoundError } from '../errors.ts';
import { demoPersonas } from '../registry/personas.ts';
import { appFiles } from './bundle.ts';

/*
 * The ThaID app under /app: one page for every app address (the QR code's /app/login/<id> included; the app reads
 * the address), its script, styles, manifest, icons and service worker. The app itself talks only to the device
 * API.
 */

/** What the app may load: its own files, its own API, the camera; nothing from elsewhere. */
const appPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; " +
  "connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The demo personas' card data, published in the README, for the enrolment screen's one-tap fill. */
const personasJson = JSON.stringify(
  demoPersonas.map((citizen) => ({
    pid: citizen.pid,
    laserCode: citizen.laserCode,
    birthdate: citizen.birthdate,
    th: `${citizen.givenNameTh} ${citizen.familyNameTh}`,
    en: `${citizen.givenNameEn} ${citizen.familyNameEn}`,
  })),
  // Inside a script element: no "</script>" can close it early.
).replaceAll('<', '\\u003c');

async function page(ctx: Context) {
  const { page } = await appFiles();
  ctx.set('Content-Security-Policy', appPolicy);
  ctx.set('Cache-Control', 'no-cache');
  ctx.type = 'html';
  // A function, so that no "$" in the data is read as a replacement pattern.
  ctx.body = page.replace('{{demoPersonas}}', () => personasJson);
}

/**
 * The app's routes. Its files are made when the first visitor asks for them (a third of a second), so a server
 * that no phone visits, as most of the test suite's, never builds them; a build that fails is tried again.
 */
export function citizenAppRoutes(): Router {
  const router = new Router();
  // The router's /app answers /app/ as well; the page lives at /app/, the service worker's scope.
  router.get('/app', async (ctx) => {
    if (ctx.path !== '/app/') {
      ctx.status = 301;
      return ctx.redirect('/app/');
    }
    await page(ctx);
  });
  router.get('/app/login/:id', async (ctx) => {
    // Login ids are base64url; anything else was never a link of this server.
    if (!/^[\w-]{1,64}$/.test(ctx.params.id ?? '')) throw new NotFoundError('No sign-in has this link.');
    await page(ctx);
  });
  router.get('/app/:file', async (ctx, next) => {
    const file = (await appFiles()).files.get(ctx.params.file ?? '');
    if (!file) return next();
    ctx.set('Content-Security-Policy', appPolicy);
    // The page names the script and styles with their version; a worker is looked at afresh on each visit.
    ctx.set('Cache-Control', ctx.params.file === 'service-worker.js' ? 'no-cache' : 'public, max-age=300');
    ctx.type = file.type;
    ctx.body = file.body;
  });
  return router;
}
