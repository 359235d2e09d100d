import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Schema } from '../db/schema.ts';
import { deviceApi } from '../devices/device-api.ts';
import { deviceApiPrefix } from '../devices/paths.ts';
import { verifyDeviceRequest } from '../devices/request-signature.ts';
import { requestFacts } from '../devices/signed-route.ts';
import { InvalidRequestError } from '../errors.ts';
import { declareRoute } from '../http/api-routes.ts';
import type { LiveNotifications } from './live.ts';
import { latestNoticeId, noticesForDevice, type StreamedNotice } from './stream-queries.ts';

/** Streams one device may hold open in one server process; opening another closes its oldest. */
export const MAX_STREAMS_PER_DEVICE = 3;
/** A comment this often keeps proxies from closing an idle stream, and the stream looks at the database again. */
const HEARTBEAT_MS = 15_000;
/** What a client waits before reconnecting after a stream broke (the SSE `retry` field). */
const RECONNECT_MS = 5_000;

const eventDescription = `Server-sent events (\`text/event-stream\`), for as long as the connection stays open:

- \`event: notification\`, with \`id:\` the notice id and \`data:\` the notice as JSON (\`{ id, kind, th, en, details,
  createdAt }\`, as in the inbox): every notice for this device's citizen written after the stream opened (after
  \`Last-Event-ID\` when given). A data request names the agency, its system and the data items asked for, never
  their values.
- \`event: closed\`, with \`data: { "reason", "description" }\`, just before the server closes the stream:
  \`device_revoked\` when another phone was enrolled for the citizen (do not reconnect: this device is signed
  out), \`stream_limit\` when the device opened a ${MAX_STREAMS_PER_DEVICE + 1}th stream on the same server.
- a comment (\`: heartbeat\`) every ${HEARTBEAT_MS / 1000} s.`;

const stream = declareRoute(deviceApi, {
  method: 'get',
  path: '/notifications/stream',
  summary: "New notices for this device's citizen as they are written (server-sent events)",
  description: `Every sign-in a citizen's device scans, on any server process, writes a notice (the agency, its system and the data
items asked for); so do approvals and the enrolment of a new phone. This stream sends each one as it is written,
as an SSE event whose id is the notice id. Notices also stay in the inbox (\`GET /notifications\`) for a device
that was not connected.

To resume after a broken connection, send a newly signed request with the header \`Last-Event-ID\` set to the id
of the last event received: the stream first sends every notice after it. Without it, the stream sends only
notices written after it opened. A device may keep ${MAX_STREAMS_PER_DEVICE} streams open on one server; opening another
closes the oldest. The stream closes when the device is replaced by a new enrolment.`,
  responses: {
    200: { description: eventDescription, body: z.string(), mediaType: 'text/event-stream' },
    400: 'invalid_request: Last-Event-ID is not the id of a notice (digits only)',
  },
});

/** The notice id a reconnecting client names, if any. */
function lastEventIdOf(ctx: Context): string | undefined {
  const value = ctx.get('last-event-id').trim();
  if (value === '') return undefined;
  if (!/^\d{1,18}$/.test(value)) {
    throw new InvalidRequestError('Last-Event-ID must be the id of the last event the stream sent (a notice id, digits only); leave it out to start afresh.');
  }
  return BigInt(value).toString();
}

const sseEvent = (event: string, data: unknown, id?: string) => `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

const noticeEvent = (notice: StreamedNotice) =>
  sseEvent('notification', { ...notice, createdAt: new Date(notice.createdAt).toISOString() }, notice.id);

const closings = {
  device_revoked: 'Another phone was enrolled for this citizen: this device no longer holds their ThaID. Enrol it again to use it.',
  stream_limit: `This device opened more than ${MAX_STREAMS_PER_DEVICE} notice streams on this server; this one, the oldest, was closed.`,
} as const;

/** The device's live notices: GET <deviceApiPrefix>/notifications/stream, signed as every device request. */
export function notificationStreamRoutes(deps: { db: Kysely<Schema>; live: LiveNotifications }): Router {
  const router = new Router({ prefix: deviceApiPrefix });

  router.get(stream.path, async (ctx) => {
    const { db, live } = deps;
    const device = await verifyDeviceRequest(db, await requestFacts(ctx));
    const resumeAfter = lastEventIdOf(ctx);

    const events = new PassThrough();
    let ended = false;
    let started = false;
    let cursor = '0';
    let floor = '0';
    // Notices sent lately, so a late one re-read by its window (see noticesForDevice) is sent once.
    const sent = new Set<string>();

    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      clearInterval(heartbeat);
      release();
    };
    const end = (reason?: keyof typeof closings) => {
      if (ended) return;
      ended = true;
      if (reason) events.write(sseEvent('closed', { reason, description: closings[reason] }));
      events.end();
      stop();
    };

    const deliver = async () => {
      for (;;) {
        const { active, notices } = await noticesForDevice(db, { deviceId: device.id, after: cursor, floor });
        if (ended) return;
        if (!active) return end('device_revoked');
        let advanced = false;
        for (const notice of notices) {
          if (sent.has(notice.id)) continue;
          events.write(noticeEvent(notice));
          sent.add(notice.id);
          if (sent.size > 1000) sent.delete(sent.values().next().value!);
          if (BigInt(notice.id) > BigInt(cursor)) {
            cursor = notice.id;
            advanced = true;
          }
        }
        if (notices.length < 100 || !advanced) return;
      }
    };
    // One look at a time; a wake-up during one makes another follow it.
    let running: Promise<void> | undefined;
    let again = false;
    const check = () => {
      if (!started || ended) return;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          await deliver().catch((error: unknown) => ctx.state.log?.warn({ err: error }, 'reading notices for a stream failed'));
        } while (again && !ended);
      })().finally(() => (running = undefined));
    };

    // Subscribed before the starting point is read, so nothing written after it can be missed.
    const unsubscribe = live.subscribe(device.pid, check);
    const release = live.holdStream(device.id, MAX_STREAMS_PER_DEVICE, () => end('stream_limit'));
    const heartbeat = setInterval(() => {
      events.write(': heartbeat\n\n');
      // NOTIFY is best effort: a look at the database now and then makes sure no notice and no revocation goes unseen.
      check();
    }, HEARTBEAT_MS);
    events.on('close', () => {
      ended = true;
      stop();
    });
    ctx.req.on('close', () => end());

    try {
      cursor = resumeAfter ?? (await latestNoticeId(db, device.pid));
    } catch (error) {
      end();
      throw error;
    }
    floor = cursor;
    ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    ctx.status = 200;
    ctx.body = events;
    // The comment tells the client the stream is open and subscribed.
    events.write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
    started = true;
    check();
    await running;
  });

  return router;
}
