import Koa from 'koa';
import { errors } from 'oidc-provider';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database, RunStatement } from '../../src/db/database.ts';
import { DatabaseUnavailableError } from '../../src/db/unavailable.ts';
import { errorHandler } from '../../src/http/error-handler.ts';
import { createAdapterClass } from '../../src/oidc/adapter.ts';
import { capturedStorageWrites, HeldWrites, holdStorageWrites } from '../../src/oidc/held-writes.ts';
import { openTestDatabase } from '../support/open-database.ts';
import { postgresServerUrl } from '../support/database.ts';

let database: Database;
let dispose: () => Promise<void>;
/** Every statement the adapter runs. */
let statements: string[] = [];
/** When set, every write fails with it, as when the database goes away. */
let writeFailure: Error | undefined;
let Adapter: ReturnType<typeof createAdapterClass>;

beforeAll(async () => {
  ({ database, dispose } = await openTestDatabase());
  const run: RunStatement = async (statement, parameters) => {
    statements.push(statement);
    if (writeFailure && !statement.startsWith('select')) throw writeFailure;
    return database.run(statement, parameters);
  };
  Adapter = createAdapterClass(run, async () => undefined, { request: () => undefined, providerContext: () => undefined });
});
afterAll(() => dispose?.());
beforeEach(() => {
  statements = [];
  writeFailure = undefined;
});

/** Runs `handle` as a request that holds its storage writes. */
const inRequest = (handle: () => Promise<void>) => holdStorageWrites({} as Koa.Context, handle);

/** The stored rows of `ids` (read beside the adapter, so nothing held is flushed by it), as model:id. */
async function storedRows(...ids: string[]): Promise<string[]> {
  const rows = await database.db.selectFrom('oidc_payloads').select(['model', 'id']).where('id', 'in', ids).orderBy('id').execute();
  return rows.map((row) => `${row.model}:${row.id}`);
}

describe(`writes held for the end of a request, on ${postgresServerUrl ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('makes a request’s writes together in one statement once the request is done', async () => {
    await new Adapter('Interaction').upsert('i-1', { uid: 'i-1' }, 60);
    statements = [];
    await inRequest(async () => {
      await new Adapter('Interaction').destroy('i-1');
      await new Adapter('AuthorizationCode').upsert('code-1', { grantId: 'g-1' }, 60);
      await new Adapter('AccessToken').upsert('at-1', { grantId: 'g-1' }, 60);
      expect(statements).toEqual([]);
      expect(await storedRows('i-1', 'code-1', 'at-1')).toEqual(['Interaction:i-1']);
    });
    expect(statements).toHaveLength(1);
    expect(await storedRows('i-1', 'code-1', 'at-1')).toEqual(['AccessToken:at-1', 'AuthorizationCode:code-1']);
    expect(await new Adapter('AccessToken').find('at-1')).toEqual({ grantId: 'g-1' });
  });

  it('makes the held writes before the request reads the storage again, so it reads what it wrote', async () => {
    await inRequest(async () => {
      await new Adapter('Grant').upsert('grant-2', { accountId: 'a' }, 60);
      expect(await new Adapter('Grant').find('grant-2')).toEqual({ accountId: 'a' });
      await new Adapter('AccessToken').upsert('at-2', { grantId: 'grant-2' }, 60);
      await new Adapter('AccessToken').revokeByGrantId('grant-2');
    });
    expect(statements).toHaveLength(4);
    expect(await storedRows('grant-2', 'at-2')).toEqual(['Grant:grant-2']);
  });

  it('keeps the order of writes to the same row', async () => {
    await inRequest(async () => {
      const codes = new Adapter('AuthorizationCode');
      await codes.upsert('code-3', { accountId: 'first' }, 60);
      await codes.destroy('code-3');
      await codes.upsert('code-3', { accountId: 'last' }, 60);
      await codes.upsert('code-4', { accountId: 'kept' }, 60);
      await codes.destroy('code-4');
    });
    expect(await storedRows('code-3', 'code-4')).toEqual(['AuthorizationCode:code-3']);
    expect(await new Adapter('AuthorizationCode').find('code-3')).toEqual({ accountId: 'last' });
  });

  it('gives what it held the expiry asked for, and none where none was asked', async () => {
    await inRequest(async () => {
      await new Adapter('AccessToken').upsert('at-5', { grantId: 'g-5' }, 3600);
      await new Adapter('Grant').upsert('g-5', { accountId: 'a' });
    });
    const rows = await database.db.selectFrom('oidc_payloads').select(['id', 'expires_at']).where('id', 'in', ['at-5', 'g-5']).orderBy('id').execute();
    expect(rows[0]!.expires_at!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(rows[1]!.expires_at).toBeNull();
  });

  it('writes at once outside a request', async () => {
    await new Adapter('AccessToken').upsert('at-6', { grantId: 'g-6' }, 60);
    expect(await storedRows('at-6')).toEqual(['AccessToken:at-6']);
  });

  it('holds nothing once its request has ended', async () => {
    const held = new HeldWrites();
    await held.release();
    const written: unknown[] = [];
    expect(held.hold({ kind: 'destroy', model: 'Grant', id: 'late' }, async (writes) => void written.push(...writes))).toBe(false);
    await held.flush();
    expect(written).toEqual([]);
  });

  it('fails the request whose writes fail, and reports a request’s own failure first', async () => {
    writeFailure = new DatabaseUnavailableError(new Error('connection refused'));
    await expect(inRequest(() => new Adapter('AccessToken').upsert('at-7', {}, 60))).rejects.toBe(writeFailure);
    const ownFailure = new Error('the request failed by itself');
    await expect(
      inRequest(async () => {
        await new Adapter('AccessToken').upsert('at-8', {}, 60);
        throw ownFailure;
      }),
    ).rejects.toBe(ownFailure);
    expect(await storedRows('at-7', 'at-8')).toEqual([]);
  });

  describe('in an HTTP request', () => {
    const app = new Koa();
    app.use(errorHandler);
    app.use(holdStorageWrites);
    app.use(async (ctx) => {
      await new Adapter('AccessToken').upsert(String(ctx.query.id), { grantId: 'g-http' }, 60);
      ctx.body = { saved: ctx.query.id };
    });

    it('answers only once the writes are in the database', async () => {
      const response = await request(app.callback()).get('/?id=at-http-1').expect(200);
      expect(response.body).toEqual({ saved: 'at-http-1' });
      expect(await storedRows('at-http-1')).toEqual(['AccessToken:at-http-1']);
    });

    it('answers 503 instead of the response when the writes could not be made', async () => {
      writeFailure = new DatabaseUnavailableError(new Error('connection refused'));
      const response = await request(app.callback()).get('/?id=at-http-2').set('Accept', 'application/json').expect(503);
      expect(response.body.error).toBe('temporarily_unavailable');
      expect(await storedRows('at-http-2')).toEqual([]);
    });
  });
});

describe('writes captured for a statement of another area', () => {
  it('are handed back as the rows to store, and not made, even inside a request', async () => {
    await inRequest(async () => {
      const captured = await capturedStorageWrites(async () => {
        await new Adapter('Grant').upsert('g-captured', { accountId: 'a', clientId: 'c-1' }, 600);
      });
      expect(captured).toEqual([
        expect.objectContaining({ kind: 'upsert', model: 'Grant', id: 'g-captured', clientId: 'c-1', grantId: null, expiresIn: 600 }),
      ]);
    });
    expect(statements).toEqual([]);
    expect(await storedRows('g-captured')).toEqual([]);
  });

  it('refuse a read of the storage meanwhile, which could not see them', async () => {
    await expect(
      capturedStorageWrites(async () => {
        await new Adapter('Grant').upsert('g-captured-2', { accountId: 'a' }, 600);
        await new Adapter('Grant').find('g-captured-2');
      }),
    ).rejects.toThrow(/read while its writes were being captured/);
    expect(await storedRows('g-captured-2')).toEqual([]);
  });
});

describe('a consumption held with other writes', () => {
  it('is made with them in one statement', async () => {
    await new Adapter('AuthorizationCode').upsert('code-c1', { grantId: 'g-c' }, 60);
    statements = [];
    await inRequest(async () => {
      await new Adapter('AuthorizationCode').consume('code-c1');
      await new Adapter('AccessToken').upsert('at-c1', { grantId: 'g-c' }, 60);
      await new Adapter('RefreshToken').upsert('rt-c1', { grantId: 'g-c' }, 60);
    });
    expect(statements).toHaveLength(1);
    expect(await storedRows('at-c1', 'rt-c1')).toEqual(['AccessToken:at-c1', 'RefreshToken:rt-c1']);
    expect(await new Adapter('AuthorizationCode').find('code-c1')).toMatchObject({ consumed: expect.any(Number) });
  });

  it('fails the request with invalid_grant when another request consumed the row first, and none of its writes are made', async () => {
    await new Adapter('AuthorizationCode').upsert('code-c2', { grantId: 'g-c' }, 60);
    await new Adapter('Interaction').upsert('i-c2', { uid: 'i-c2' }, 60);
    const redemption = inRequest(async () => {
      await new Adapter('AuthorizationCode').consume('code-c2');
      await new Adapter('Interaction').destroy('i-c2');
      await new Adapter('AccessToken').upsert('at-c2', { grantId: 'g-c' }, 60);
      // Another request redeems the same code while this one is still at work.
      await database.run(`update oidc_payloads set consumed_at = now() where model = 'AuthorizationCode' and id = 'code-c2'`, []);
    });
    await expect(redemption).rejects.toBeInstanceOf(errors.InvalidGrant);
    expect(await storedRows('at-c2', 'i-c2')).toEqual(['Interaction:i-c2']);
  });

  it('lost to another request, revokes the grant and what the other request was issued under it', async () => {
    await new Adapter('Grant').upsert('g-c4', { accountId: 'a' }, 60);
    await new Adapter('AuthorizationCode').upsert('code-c4', { grantId: 'g-c4' }, 60);
    // The other request redeemed the code first, and was issued its tokens.
    await database.run(`update oidc_payloads set consumed_at = now() where model = 'AuthorizationCode' and id = 'code-c4'`, []);
    await new Adapter('AccessToken').upsert('at-c4-first', { grantId: 'g-c4' }, 60);
    await new Adapter('AccessToken').upsert('at-other-grant', { grantId: 'g-other' }, 60);
    const redemption = inRequest(async () => {
      await new Adapter('AuthorizationCode').consume('code-c4');
      await new Adapter('AccessToken').upsert('at-c4-second', { grantId: 'g-c4' }, 60);
    });
    await expect(redemption).rejects.toBeInstanceOf(errors.InvalidGrant);
    expect(await storedRows('g-c4', 'code-c4', 'at-c4-first', 'at-c4-second', 'at-other-grant')).toEqual(['AccessToken:at-other-grant']);
  });

  it('does not decide over the writes held before it', async () => {
    await new Adapter('AuthorizationCode').upsert('code-c3', { grantId: 'g-c' }, 60);
    await database.run(`update oidc_payloads set consumed_at = now() where model = 'AuthorizationCode' and id = 'code-c3'`, []);
    const redemption = inRequest(async () => {
      await new Adapter('Grant').upsert('g-c3', { accountId: 'a' }, 60);
      await new Adapter('AuthorizationCode').consume('code-c3');
      await new Adapter('AccessToken').upsert('at-c3', { grantId: 'g-c3' }, 60);
    });
    await expect(redemption).rejects.toBeInstanceOf(errors.InvalidGrant);
    expect(await storedRows('g-c3', 'at-c3')).toEqual(['Grant:g-c3']);
  });
});
