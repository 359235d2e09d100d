import Router from '@koa/router';
import Koa from 'koa';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualDevice } from '../../src/devices/virtual-device.ts';
import { signedStepRoute } from '../../src/devices/signed-route.ts';
import { errorHandler } from '../../src/http/error-handler.ts';
import { requestContext } from '../../src/http/request-context.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { startServerWithDevice } from '../support/browser-login.ts';
import type { TestServer } from '../support/server.ts';

let server: TestServer;
let device: VirtualDevice;
beforeAll(async () => {
  ({ server, device } = await startServerWithDevice());
});
afterAll(() => server?.dispose());

/** An app with one step route at /device/v1/step, on the test server's database. */
function appWithStep(handler: Parameters<typeof signedStepRoute>[1]) {
  const app = new Koa();
  const router = new Router();
  router.post('/device/v1/step', signedStepRoute(server.database.db, handler));
  app.use(requestContext(createLogger('silent'))).use(errorHandler).use(router.routes());
  return app.callback();
}

const signedStep = () => device.signedRequest('POST', '/step', {});

describe('a signed step route', () => {
  it('fails rather than answer when its handler never recorded the signed request', async () => {
    const { init } = await signedStep();
    const response = await request(appWithStep(async () => ({ done: true }))).post('/device/v1/step').set(init.headers).send(init.body);
    expect(response.status).toBe(500);
    expect(response.body).not.toHaveProperty('done');
  });

  it('answers what its handler returns once the handler accepted what its statement recorded', async () => {
    const { init } = await signedStep();
    const app = appWithStep(async (_ctx, step) => {
      step.accepted({ device_status: 'active', nonce_is_new: true });
      return { done: true };
    });
    const response = await request(app).post('/device/v1/step').set(init.headers).send(init.body);
    expect(response).toMatchObject({ status: 200, body: { done: true } });
  });
});
