import { describe, expect, it } from 'vitest';
import { columnsNotMatchingText } from '../../src/cli/ledger-index-columns.ts';

/* The auditor reads an entry's index columns from its text as migration 0013's trigger does. */

const entry = {
  kind: 'event',
  // As jsonb writes now(): microseconds, in the session's offset.
  at: '2026-12-04T04:41:58.123456+07:00',
  pid: '1101700230705',
  agency: { id: 'agency-1', th: 'หน่วยงาน', en: 'Agency' },
  system: { clientId: 'client-1', name: 'ระบบ' },
  items: ['openid', 'pid'],
};
const columns = {
  pid: '1101700230705',
  kind: 'event',
  agency_id: 'agency-1',
  client_id: 'client-1',
  items: ['openid', 'pid'],
  created_at: '2026-12-03T21:41:58.123456Z',
};

describe('the index columns an auditor expects of an entry', () => {
  it('are those the text says, the time compared as an instant to the microsecond', () => {
    expect(columnsNotMatchingText(JSON.stringify(entry), columns)).toEqual([]);
    expect(columnsNotMatchingText(JSON.stringify({ ...entry, at: '2026-12-03T21:41:58.123Z' }), { ...columns, created_at: '2026-12-03T21:41:58.123000Z' })).toEqual([]);
  });

  it('name every column that differs', () => {
    expect(columnsNotMatchingText(JSON.stringify(entry), { ...columns, pid: '3100600215528', items: ['openid'] })).toEqual(['pid', 'items']);
    expect(columnsNotMatchingText(JSON.stringify(entry), { ...columns, created_at: '2026-12-03T21:41:58.123457Z' })).toEqual(['created_at']);
    expect(columnsNotMatchingText(JSON.stringify(entry), { ...columns, items: ['pid', 'openid'] })).toEqual(['items']);
  });

  it('are all wrong for a text that is not JSON', () => {
    expect(columnsNotMatchingText('{', columns)).toEqual(['pid', 'kind', 'agency_id', 'client_id', 'items', 'created_at']);
  });
});
