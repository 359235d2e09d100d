import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Config } from './config/config.ts';
import { secureDataDir, tightenFilesUnder } from './config/data-dir.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { ensureAdminToken } from './admin/admin-token.ts';
import { seedDemoDataOnFirstStart, type DemoSeedResult } from './demo/demo-data.ts';
import { createApp } from './app.ts';
import { databaseRateLimiter } from './http/rate-limits.ts';
import { getOrCreateSetting } from './instance/settings.ts';
import type { Logger } from './logging/logger.ts';
import { loginPagePath } from './login/paths.ts';
import { LoginChanges } from './login/events.ts';
import { LiveNotifications } from './notifications/live.ts';
import { expireOverdue } from './login/queries.ts';
import { applyDueStatusChanges } from './agencies/status-changes.ts';
import { pointConsolesAtIssuer } from './consoles/first-party-redirects.ts';
import { deleteFinishedSessions } from './consoles/sessions.ts';
import { deleteExpiredNonces } from './devices/queries.ts';
import { deleteExpiredPayloads } from './oidc/payload-statements.ts';
import { ensureKeys, loadCookieKeys } from './oidc/keys.ts';
import { keySealerFor, sealKeysWith } from './oidc/key-sealing.ts';
import { CookieSigner } from './http/cookie-signer.ts';
import { createProvider } from './oidc/provider.ts';
import { ProviderHost } from './oidc/provider-host.ts';
import { onBodyEndpointError } from './oidc/provider-internals.ts';
import { SigningKeyFollower } from './oidc/signing-key-changes.ts';
import { TreeHeadSigner } from './disclosures/tree-heads.ts';
import { tlsCredentials, trustInThisProcess, type TlsCredentials } from './http/tls.ts';

export interface RunningServer {
  /** Where the server listens, e.g. http://127.0.0.1:3000 (the issuer may be a different, public URL). */
  url: string;
  /** The certificate served when TLS is on: its file, its PEM and its SHA-256 fingerprint. */
  tls: { certFile: string; certificate: string; fingerprint: string } | undefined;
  database: Database;
  providers: ProviderHost;
  demo: DemoSeedResult;
  /** The periodic clean-up, run now: expired rows go, retired signing keys stop being published, due status changes are applied. */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

const CLEANUP_INTERVAL_MS = 5 * 60 * 1000;

/** Opens the database, brings it up to date, and serves the identity provider until close(). */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  secureDataDir(config.dataDir);
  const tls = config.tls ? await tlsCredentials(config.tls, config.dataDir, config.issuer) : undefined;
  if (tls) trustInThisProcess(tls.cert); // the consoles' sign-in fetches ISSUER's discovery document
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, command: 'thaid-emulator serve' });
  try {
    return await serve(config, logger, database, tls);
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}

async function serve(config: Config, logger: Logger, database: Database, tls: TlsCredentials | undefined): Promise<RunningServer> {
  const { db } = database;
  if (tls?.madeBecause) logger.info({ certificate: tls.certFile, reason: tls.madeBecause }, 'made a self-signed TLS certificate');
  if (tls?.problem) logger.warn({ certificate: tls.certFile, issuer: config.issuer, problem: tls.problem }, 'browsers may refuse the TLS certificate for ISSUER');
  if (tls) logger.info({ certificate: tls.certFile, fingerprint: tls.fingerprint }, 'serving HTTPS; the certificate\'s SHA-256 fingerprint');
  const applied = await migrate(db);
  if (applied.length) logger.info({ migrations: applied }, 'applied migrations');
  sealKeysWith(db, keySealerFor(config));
  await ensureKeys(db);
  // Scheduled suspensions and cancellations that fell due while the server was down (they took effect then already).
  await applyDueStatusChanges(db);
  // The staff console's and agency portal's redirect URIs follow ISSUER, which a migration cannot know.
  const repointed = await pointConsolesAtIssuer(db, config.issuer);
  if (repointed.length) logger.info({ systems: repointed, issuer: config.issuer }, 'pointed the console systems at this issuer');
  const demo = await seedDemoDataOnFirstStart(db, { registrySeed: config.registrySeed, count: config.demoCitizens });
  const adminToken = ensureAdminToken(config.dataDir, config.adminToken);
  const pairwiseSalt = await getOrCreateSetting(db, 'pairwise_salt', () => randomBytes(32).toString('base64url'));
  const cookieSigner = new CookieSigner(await loadCookieKeys(db));

  const signingKeys = new SigningKeyFollower(db);
  const providers = await ProviderHost.create(async () => {
    const provider = createProvider({
      issuer: config.issuer,
      db,
      signingKeys: await signingKeys.keysToLoad(),
      cookieSigner,
      pairwiseSalt,
      trustProxy: config.trustProxy,
      loginPageUrl: loginPagePath,
    });
    // The error handler answers a database outage or a transaction conflict with 503 instead of the provider's 500,
    // and a body over the provider's limit with 413 instead of its 400.
    provider.on('server_error', (ctx, error) => {
      ctx.state.providerError = error;
      (ctx.state.log ?? logger).error({ err: error }, 'provider error');
    });
    onBodyEndpointError(provider, (ctx, error) => {
      ctx.state.providerError = error;
    });
    return provider;
  });

  await signingKeys.follow(database, providers, (error) => logger.warn({ err: error }, 'reloading the signing keys failed'));
  const loginChanges = await LoginChanges.start(database);
  const liveNotifications = await LiveNotifications.start(database);
  const limits = databaseRateLimiter(db, config.rateLimitFactor);
  const app = createApp({
    logger,
    db,
    adminToken,
    providers,
    cookieSigner,
    trustProxy: config.trustProxy,
    loginChanges,
    liveNotifications,
    issuer: config.issuer,
    limits,
  });
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, app.callback()) : http.createServer(app.callback());
  // The database has made its files by now (the embedded one gives them mode 0666).
  tightenFilesUnder(config.dataDir);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  const maintain = async () => {
    await Promise.all([deleteExpiredPayloads(db), expireOverdue(db), deleteExpiredNonces(db), deleteFinishedSessions(db), signingKeys.refreshIfDue(providers)]);
    // Scheduled status changes took effect when due (the active_systems view); this applies them for good.
    await applyDueStatusChanges(db);
  };
  const cleanup = setInterval(() => {
    maintain().catch((error) => logger.warn({ err: error }, 'periodic clean-up failed'));
  }, CLEANUP_INTERVAL_MS);
  cleanup.unref();
  const treeHeads = new TreeHeadSigner(db, (error) => logger.warn({ err: error }, 'signing a ledger tree head failed'));
  treeHeads.start();

  return {
    url: `${tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    tls: tls && { certFile: tls.certFile, certificate: tls.cert, fingerprint: tls.fingerprint },
    database,
    providers,
    demo,
    maintain,
    close: async () => {
      clearInterval(cleanup);
      await treeHeads.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}
