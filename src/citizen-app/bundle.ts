import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/*
 * The app's files, made when the server starts: its TypeScript (client/) bundled by esbuild with the QR decoder,
 * the page and styles from views/app/, the icons. Kept in memory; a new version changes their names' hash.
 */

const clientDir = fileURLToPath(new URL('./client/', import.meta.url));
const viewsDir = fileURLToPath(new URL('../../views/app/', import.meta.url));

export interface AppFile {
  body: Buffer | string;
  type: string;
}

export interface AppFiles {
  /** Changes with any file of the shell; the service worker's cache is named after it. */
  version: string;
  /** The page every app address answers with, before the demo personas are filled in. */
  page: string;
  /** By path under /app/. */
  files: Map<string, AppFile>;
}

/** The shell the service worker keeps, as paths. */
const shellPaths = ['/app/', '/app/app.js', '/app/app.css', '/app/manifest.webmanifest', '/app/icon-192.png', '/app/icon-512.png', '/app/photo-placeholder.svg'];

async function bundled(entry: string, define: Record<string, string> = {}): Promise<string> {
  // Loaded when the app is built, not by every CLI command that imports the server.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [`${clientDir}${entry}`],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    define,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

async function make(): Promise<AppFiles> {
  const { appIcon } = await import('./icons.ts');
  const script = await bundled('main.ts');
  const css = fs.readFileSync(`${viewsDir}app.css`, 'utf8');
  const page = fs.readFileSync(`${viewsDir}index.html`, 'utf8');
  const manifest = fs.readFileSync(`${viewsDir}manifest.webmanifest`, 'utf8');
  const version = createHash('sha256').update(script).update(css).update(page).update(manifest).digest('base64url').slice(0, 12);
  const worker = await bundled('service-worker.ts', { SHELL_VERSION: JSON.stringify(version), SHELL_FILES: JSON.stringify(shellPaths) });
  const files = new Map<string, AppFile>([
    ['app.js', { body: script, type: 'text/javascript; charset=utf-8' }],
    ['service-worker.js', { body: worker, type: 'text/javascript; charset=utf-8' }],
    ['app.css', { body: css, type: 'text/css; charset=utf-8' }],
    ['manifest.webmanifest', { body: manifest, type: 'application/manifest+json; charset=utf-8' }],
    ['icon-192.png', { body: appIcon(192), type: 'image/png' }],
    ['icon-512.png', { body: appIcon(512), type: 'image/png' }],
    ['photo-placeholder.svg', { body: fs.readFileSync(`${viewsDir}photo-placeholder.svg`), type: 'image/svg+xml' }],
  ]);
  return { version, page: page.replaceAll('{{version}}', version), files };
}

let made: Promise<AppFiles> | undefined;

/** The app's files, made once per process; a failure is not kept, so the next call tries again. */
export function appFiles(): Promise<AppFiles> {
  made ??= make().catch((error: unknown) => {
    made = undefined;
    throw new Error(`The ThaID app could not be built: ${error instanceof Error ? error.message : String(error)}`);
  });
  return made;
}
