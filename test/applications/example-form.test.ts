import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applicationForm, missingForSubmission } from '../../src/applications/form.ts';

describe('the example application in docs/examples', () => {
  it('is a complete request form, ready to submit as the README walks through it', () => {
    const form = applicationForm.parse(JSON.parse(fs.readFileSync(new URL('../../docs/examples/application.json', import.meta.url), 'utf8')));
    expect(missingForSubmission(form, 'form')).toEqual([]);
    expect(form.systems?.[0]?.dataItems?.map((item) => item.scope)).toEqual(['pid', 'name']);
  });
});
