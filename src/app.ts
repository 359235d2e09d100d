import Koa from 'koa';
import type { Kysely } from 'kysely';
import { adminRoutes } from './admin/routes.ts';
import { recordAdminReads } from './admin/record-admin-reads.ts';
import { agencyAdminRoutes } from './agencies/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { staffRoutes } from './staff/routes.ts';
import { applicationRoutes } from './applications/routes.ts';
import { violationRoutes } from './enforcement/routes.ts';
import { conditionsRoutes } from './conditions/routes.ts';
import { consoleRoutes } from './consoles/routes.ts';
import type { Schema } from './db/schema.ts';
import type { Logger } from './logging/logger.ts';
import { loginPageAtAuthorization, loginRoutes } from './login/routes.ts';
import { withoutLoginIds } from './login/paths.ts';
import { authorizationByPost } from './oidc/authorization-by-post.ts';
import { endpointAliases } from './oidc/paths.ts';
import { refuseNulInAddress } from './http/nul-in-address.ts';
import { repeatedAuthorizationParameters } from './oidc/repeated-parameters.ts';
import type { ProviderHost } from './oidc/provider-host.ts';
import type { LoginChanges } from './login/events.ts';
import type { LiveNotifications } from './notifications/live.ts';
import { notificationStreamRoutes } from './notifications/stream-routes.ts';
import { deviceRoutes } from './devices/routes.ts';
import { historyRoutes } from './disclosures/history-routes.ts';
import { ledgerRoutes } from './disclosures/ledger-routes.ts';
import { recordReleases } from './disclosures/record-releases.ts';
import { volumeRoutes } from './disclosures/volume-routes.ts';
import { loginDeviceRoutes } from './login/device-routes.ts';
import { assetRoutes } from './http/assets.ts';
import { citizenAppRoutes } from './citizen-app/routes.ts';
import { sandboxCameraRoutes } from './devices/sandbox-camera.ts';
import { errorHandler } from './http/error-handler.ts';
import { healthRoutes } from './http/health-routes.ts';
import { issuerHost } from './http/issuer-host.ts';
import { requestContext } from './http/request-context.ts';
import { securityHeaders } from './http/security-headers.ts';
import { requestMemo } from './oidc/request-memo.ts';
import type { CookieSigner } from './http/cookie-signer.ts';
import type { RateLimiter } from './http/rate-limits.ts';
import { useReadableSchemaMessages } from './http/schema-messages.ts';

export interface AppDependencies {
  logger: Logger;
  db: Kysely<Schema>;
  adminToken: string;
  providers: ProviderHost;
  /** Must equal the provider's cookie keys: the mounted provider signs cookies with the outer app's keys. */
  cookieSigner: CookieSigner;
  trustProxy: boolean;
  loginChanges: LoginChanges;
  /** Wakes the devices' notice streams in this process when a notice is written in any. */
  liveNotifications: LiveNotifications;
  issuer: string;
  limits: RateLimiter;
}

/** Our routes first; everything else is the OpenID Connect provider. */
export function createApp(deps: AppDependencies): Koa {
  // Koa's types list keys; its cookies equally take a signer with Keygrip's methods.
  // Behind one reverse proxy, the client's address is the last in X-Forwarded-For, the one the proxy added:
  // any before it are the client's own words, and would let it choose the address its rate limits count.
  const app = new Koa({ keys: deps.cookieSigner as unknown as string[], proxy: deps.trustProxy, maxIpsCount: 1 });
  app.silent = true; // errors are logged by the error handler, with the request id
  useReadableSchemaMessages();
  const routers = [
    healthRoutes(deps.db),
    adminRoutes({ db: deps.db, adminToken: deps.adminToken, providers: deps.providers }),
    agencyAdminRoutes({ db: deps.db, adminToken: deps.adminToken }),
    loginRoutes({ db: deps.db, providers: deps.providers, changes: deps.loginChanges, issuer: deps.issuer, limits: deps.limits }),
    deviceRoutes({ db: deps.db, limits: deps.limits }),
    ledgerRoutes({ db: deps.db, adminToken: deps.adminToken }),
    auditRoutes({ db: deps.db, adminToken: deps.adminToken }),
    staffRoutes({ db: deps.db, adminToken: deps.adminToken }),
    applicationRoutes({ db: deps.db, adminToken: deps.adminToken }),
    violationRoutes({ db: deps.db, adminToken: deps.adminToken }),
    conditionsRoutes({ db: deps.db, adminToken: deps.adminToken }),
    historyRoutes({ db: deps.db, adminToken: deps.adminToken }),
    volumeRoutes({ db: deps.db, adminToken: deps.adminToken }),
    notificationStreamRoutes({ db: deps.db, live: deps.liveNotifications }),
    loginDeviceRoutes({ db: deps.db, limits: deps.limits }),
    consoleRoutes({ db: deps.db, issuer: deps.issuer }),
    assetRoutes(),
    citizenAppRoutes(),
    sandboxCameraRoutes({ db: deps.db, limits: deps.limits }),
  ];

  app.use(issuerHost(deps.issuer, deps.trustProxy));
  app.use(requestContext(deps.logger, withoutLoginIds));
  app.use(securityHeaders(deps.issuer));
  app.use(errorHandler);
  app.use(refuseNulInAddress);
  app.use(requestMemo);
  app.use(recordAdminReads(deps.db, deps.adminToken));
  for (const router of routers) app.use(router.routes()).use(router.allowedMethods());
  app.use(endpointAliases);
  app.use(authorizationByPost);
  app.use(repeatedAuthorizationParameters(deps.db));
  app.use(loginPageAtAuthorization({ db: deps.db, issuer: deps.issuer, limits: deps.limits }));
  app.use(recordReleases(deps.db));
  app.use(deps.providers.middleware);
  return app;
}
