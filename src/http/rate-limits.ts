import { createHash } from 'node:crypto';
import net from 'node:net';
import { CompiledQuery, type Kysely } from 'kysely';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Schema } from '../db/schema.ts';
import { TooManyAttemptsError } from '../errors.ts';
import { ipv6Groups, unmappedAddress } from './addresses.ts';

/*
 * Limits on what one device, address or sign-in may ask for in a window, kept in the database so they hold
 * across every server process (rate-limiter-flexible's PostgreSQL store, table rate_limits). Each request that
 * a limit covers takes one point from its key's allowance; with none left it is answered 429 with Retry-After.
 * The numbers are meant for one person or one office network, and RATE_LIMIT_FACTOR multiplies them all (a
 * load test raises them, for instance).
 */

interface Limit {
  /** How many requests a key may make per window. */
  points: number;
  seconds: number;
  /** What is counted, for the refusal's message. */
  what: string;
}

export const rateLimits = {
  loginsPerAddress: { points: 120, seconds: 60, what: 'sign-ins started from this network' },
  scansPerDevice: { points: 30, seconds: 60, what: 'QR codes and sign-in codes read by this device' },
  scansPerAddress: { points: 120, seconds: 60, what: 'QR codes and sign-in codes read from this network' },
  pinAttemptsPerDevice: { points: 10, seconds: 60, what: 'PIN entries on this device' },
  enrolmentsPerCitizen: { points: 5, seconds: 3600, what: 'enrolments for this citizen ID' },
  enrolmentsPerAddress: { points: 30, seconds: 3600, what: 'enrolments from this network' },
  faceCapturesPerAddress: { points: 30, seconds: 3600, what: 'sandbox camera captures from this network' },
  // Held while a stream is open (see hold): at most this many at once per sign-in.
  streamsPerSignIn: { points: 5, seconds: 600, what: 'open status streams for this sign-in' },
} satisfies Record<string, Limit>;

export type LimitName = keyof typeof rateLimits;

export interface RateLimiter {
  /** Takes one point of `name` for `key`, or throws TooManyAttemptsError (429) when none is left. */
  take(name: LimitName, key: string): Promise<void>;
  /**
   * Takes a point for as long as something lasts (an open stream) and returns how to give it back; refused as
   * take is, and a refusal holds nothing.
   */
  hold(name: LimitName, key: string): Promise<() => Promise<void>>;
  /** Gives back a point taken for a request that turned out not to be what the limit counts. */
  giveBack(name: LimitName, key: string): Promise<void>;
}

/** The store's queries, run through the application's own database (the pool, or the embedded database). */
function storeOver(db: Kysely<Schema>) {
  return {
    query: async ({ text, values }: { text: string; values?: unknown[] }) => {
      const result = await db.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: result.rows, rowCount: result.rows.length || Number(result.numAffectedRows ?? 0) };
    },
  };
}

const limitKey = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * What a limit counts by: a client address as its network where one client holds many addresses (an IPv6 /64, as
 * a home or phone network is given), and any key kept short, as the store's keys are at most 255 characters. The
 * enrolment guard counts addresses by it too, so changing address within a network dodges neither.
 */
export function countedKey(key: string): string {
  const address = unmappedAddress(key);
  if (net.isIPv6(address)) return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
  return address.length <= 128 ? address : createHash('sha256').update(address).digest('base64url');
}

export function databaseRateLimiter(db: Kysely<Schema>, factor: number): RateLimiter {
  const store = storeOver(db);
  const limiters = new Map(
    Object.entries(rateLimits).map(([name, limit]) => [
      name,
      new RateLimiterPostgres({
        storeClient: store,
        storeType: 'pool',
        tableName: 'rate_limits',
        tableCreated: true,
        keyPrefix: limitKey(name),
        points: limit.points * factor,
        duration: limit.seconds,
        // One limiter is enough to sweep the shared table of ended windows.
        clearExpiredByTimeout: name === 'loginsPerAddress',
      }),
    ]),
  );
  const limiterOf = (name: LimitName) => limiters.get(name)!;
  async function take(name: LimitName, key: string) {
    try {
      await limiterOf(name).consume(countedKey(key));
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const seconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new TooManyAttemptsError('too_many_requests', `Too many ${rateLimits[name].what}. Try again in ${seconds} seconds.`, seconds);
    }
  }
  const giveBack = async (name: LimitName, key: string) => void (await limiterOf(name).reward(countedKey(key)));
  return {
    take,
    giveBack,
    async hold(name, key) {
      try {
        await take(name, key);
      } catch (error) {
        // The store counts a refused request too; a place that was never held is given back at once.
        if (error instanceof TooManyAttemptsError) await giveBack(name, key);
        throw error;
      }
      return () => giveBack(name, key);
    },
  };
}
