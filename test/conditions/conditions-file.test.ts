import { describe, expect, it } from 'vitest';
import { formatConditionsFile, parseConditionsFile } from '../../src/conditions/conditions-file.ts';

describe('the conditions file', () => {
  it('is the Thai text, a line ---, then the English text; blank lines around each are dropped, lines inside kept', () => {
    expect(parseConditionsFile('\uFEFF\nข้อ 1\r\nข้อ 2\r\n\r\n---\r\n\nClause 1\nClause 2\n\n')).toEqual({
      ok: true,
      texts: { textTh: 'ข้อ 1\nข้อ 2', textEn: 'Clause 1\nClause 2' },
    });
  });

  it('reads back what formatConditionsFile writes', () => {
    const texts = { textTh: 'ข้อ 1\n\nข้อ 2', textEn: 'Clause 1\n\nClause 2' };
    expect(parseConditionsFile(formatConditionsFile(texts))).toEqual({ ok: true, texts });
  });

  it('says what is wrong: no separator, several, or an empty side', () => {
    expect(parseConditionsFile('ข้อ 1\nClause 1')).toEqual({ ok: false, problem: 'it has no line with only --- between the Thai and the English text' });
    expect(parseConditionsFile('ข้อ 1\n---\nClause 1\n---\nmore')).toEqual({
      ok: false,
      problem: 'it has 2 lines with only --- (lines 2, 4); it needs exactly one, between the Thai and the English text',
    });
    expect(parseConditionsFile('\n---\nClause 1')).toEqual({ ok: false, problem: 'the Thai text before the --- line is empty' });
    expect(parseConditionsFile('ข้อ 1\n---\n  \n')).toEqual({ ok: false, problem: 'the English text after the --- line is empty' });
  });
});
