import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptConditions } from '../../src/conditions/acceptance.ts';
import { currentConditions } from '../../src/conditions/queries.ts';
import { newCitizen } from '../support/citizens.ts';
import { runCli } from '../support/cli.ts';
import { createRelyingParty } from '../support/relying-party.ts';
import { startTestServer, testAdminToken, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.dispose());

const cli = (args: string[]) => runCli(args, { ISSUER: server.issuer, ADMIN_TOKEN: testAdminToken, DATA_DIR: server.config.dataDir });

/** A file in the test's data directory, with `content`. */
function conditionsFile(name: string, content: string): string {
  const file = path.join(server.config.dataDir, name);
  fs.writeFileSync(file, content);
  return file;
}

// Each command is a Node process of its own, which takes seconds on a busy machine.
const cliTimeout = 120_000;

describe('thaid-emulator conditions', () => {
  it('publishes a version from a file, in force at once, and shows it with who accepted and who has not', async () => {
    const accepting = await createRelyingParty(server, { name: 'Accepting agency' });
    const waiting = await createRelyingParty(server, { name: 'Waiting agency' });
    const { pid } = await newCitizen(server);
    const before = (await currentConditions(server.database.db)).version;

    const file = conditionsFile('v-next.txt', 'ข้อ 1 ใช้บริการตามวัตถุประสงค์\nข้อ 2 รักษาความลับ\n---\n1. Use the service for its purpose.\n2. Keep secrets secret.\n');
    const published = await cli(['conditions', 'publish', '--file', file]);
    expect(published.stderr).toBe('');
    expect(published.status).toBe(0);
    expect(published.stdout).toMatch(
      new RegExp(`^Published version ${before + 1} of the conditions of use, in force from \\S+\\. Every agency shows as not having accepted it until it does\\.\\n$`),
    );
    expect(await currentConditions(server.database.db)).toMatchObject({
      version: before + 1,
      text_th: 'ข้อ 1 ใช้บริการตามวัตถุประสงค์\nข้อ 2 รักษาความลับ',
      text_en: '1. Use the service for its purpose.\n2. Keep secrets secret.',
      published_by: 'admin_token',
    });
    await acceptConditions(server.database.db, accepting.agencyId, pid, before + 1);

    const shown = await cli(['conditions', 'show']);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^Conditions of use, version ${before + 1}, in force since \\S+ \\(published by admin_token\\):\\n`));
    expect(shown.stdout).toContain('\n\nข้อ 1 ใช้บริการตามวัตถุประสงค์\nข้อ 2 รักษาความลับ\n---\n1. Use the service for its purpose.\n2. Keep secrets secret.\n\n');
    expect(shown.stdout).toContain(`Active agencies that have not accepted version ${before + 1}:\n`);
    expect(shown.stdout).toMatch(new RegExp(`^  ${waiting.agencyId}  Waiting agency  \\(never accepted\\)$`, 'm'));
    expect(shown.stdout).not.toMatch(new RegExp(`^  ${accepting.agencyId}  `, 'm'));
    expect(shown.stdout).toMatch(new RegExp(`^  \\S+  version ${before + 1}  ${accepting.agencyId}  Accepting agency  by ${pid}$`, 'm'));

    const json = JSON.parse((await cli(['conditions', 'show', '--json'])).stdout);
    expect(json.current).toMatchObject({ version: before + 1, publishedBy: 'admin_token' });
    expect(json.pending.map((p: { agencyId: string }) => p.agencyId)).toContain(waiting.agencyId);
    expect(json.acceptances).toContainEqual(expect.objectContaining({ agencyId: accepting.agencyId, version: before + 1, acceptedBy: pid }));

    const again = await cli(['conditions', 'publish', '--file', conditionsFile('v-again.txt', 'ข้อ 3\n---\nClause 3\n'), '--json']);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ version: before + 2, textTh: 'ข้อ 3', textEn: 'Clause 3', publishedBy: 'admin_token' });
  }, cliTimeout);

  it('explains a file that is not a conditions file, and a missing one', async () => {
    const before = (await currentConditions(server.database.db)).version;

    const noSeparator = await cli(['conditions', 'publish', '--file', conditionsFile('flat.txt', 'ข้อ 1\nClause 1\n')]);
    expect(noSeparator.status).toBe(1);
    expect(noSeparator.stderr).toMatch(
      /flat\.txt is not a conditions file: it has no line with only --- between the Thai and the English text\. The file is UTF-8 text: the Thai text, then a line with only ---, then the English text/,
    );

    const missing = await cli(['conditions', 'publish', '--file', path.join(server.config.dataDir, 'no-such-file.txt')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read .*no-such-file\.txt: ENOENT/);

    const noFile = await cli(['conditions', 'publish']);
    expect(noFile.status).toBe(1);
    expect(noFile.stderr).toContain('conditions publish needs --file F.');
    expect(noFile.stderr).toContain('Usage: conditions publish --file F [--json]');
    expect((await currentConditions(server.database.db)).version).toBe(before);
  }, cliTimeout);

  it('explains texts the server refuses, and a command it does not know', async () => {
    const before = (await currentConditions(server.database.db)).version;
    const swapped = await cli(['conditions', 'publish', '--file', conditionsFile('swapped.txt', 'Clause 1\n---\nข้อ 1\n')]);
    expect(swapped.status).toBe(1);
    expect(swapped.stderr).toMatch(/textTh: has no Thai letters.*\(400 invalid_request\)/);

    const current = await currentConditions(server.database.db);
    const same = await cli(['conditions', 'publish', '--file', conditionsFile('same.txt', `${current.text_th}\n---\n${current.text_en}\n`)]);
    expect(same.status).toBe(1);
    expect(same.stderr).toMatch(/nothing to publish\. \(409 no_change\)/);

    expect((await cli(['conditions'])).stderr).toContain('Usage: conditions publish --file F');
    expect((await currentConditions(server.database.db)).version).toBe(before);
  }, cliTimeout);
});
