import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import Router from '@koa/router';

const assetsDir = fileURLToPath(new URL('../../views/assets/', import.meta.url));
const types: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** The few static files the pages load, read once at start. */
export function assetRoutes(): Router {
  const router = new Router();
  const files = new Map(
    fs.readdirSync(assetsDir).map((name) => [name, fs.readFileSync(`${assetsDir}${name}`)] as const),
  );
  router.get('/assets/:name', (ctx) => {
    const name = ctx.params.name ?? '';
    const file = files.get(name);
    const type = types[name.slice(name.lastIndexOf('.'))];
    if (!file || !type) return;
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = type;
    ctx.body = file;
  });
  return router;
}
