import type Router from '@koa/router';
import { adminApi } from './admin/admin-api.ts';
import { adminRoutes } from './admin/routes.ts';
import { agencyAdminRoutes } from './agencies/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { staffRoutes } from './staff/routes.ts';
import { applicationRoutes } from './applications/routes.ts';
import { violationRoutes } from './enforcement/routes.ts';
import { conditionsRoutes } from './conditions/routes.ts';
import { deviceApi } from './devices/device-api.ts';
import { deviceRoutes } from './devices/routes.ts';
import { adminHistoryRoutes, deviceHistoryRoutes } from './disclosures/history-routes.ts';
import { ledgerAdminRoutes } from './disclosures/ledger-routes.ts';
import { agencyVolumeRoutes, staffVolumeRoutes } from './disclosures/volume-routes.ts';
import { agencyApi } from './agencies/agency-api.ts';
import { notificationStreamRoutes } from './notifications/stream-routes.ts';
import type { Api } from './http/api-routes.ts';
import { loginDeviceRoutes } from './login/device-routes.ts';
import { sandboxCameraRoutes } from './devices/sandbox-camera.ts';

/**
 * The OpenAPI documents in docs/, each generated from the routes its routers declare (importing a router's
 * module declares them). `npm run docs:openapi` writes them; test/docs/openapi.test.ts checks that the
 * committed ones are up to date, and that the routers serve exactly the declared routes.
 */
export const apiDocuments: { file: string; api: Api; routers: ((deps: never) => Router)[] }[] = [
  { file: 'docs/device-api.openapi.yaml', api: deviceApi, routers: [deviceRoutes, loginDeviceRoutes, deviceHistoryRoutes, notificationStreamRoutes, sandboxCameraRoutes] },
  { file: 'docs/admin-api.openapi.yaml', api: adminApi, routers: [adminRoutes, agencyAdminRoutes, adminHistoryRoutes, staffVolumeRoutes, ledgerAdminRoutes, auditRoutes, staffRoutes, applicationRoutes, violationRoutes, conditionsRoutes] },
  { file: 'docs/agency-api.openapi.yaml', api: agencyApi, routers: [agencyVolumeRoutes] },
];
