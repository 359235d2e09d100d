import type { ConditionsTexts } from './publication.ts';

/**
 * The file `conditions publish --file F` reads: UTF-8 text, the Thai text first, then a line of exactly three
 * dashes, then the English text. Blank lines around either text are dropped; line breaks inside are kept.
 */
export const conditionsFileFormat = 'UTF-8 text: the Thai text, then a line with only ---, then the English text';

export const separatorLine = '---';

export type ParsedConditionsFile = { ok: true; texts: ConditionsTexts } | { ok: false; problem: string };

export function parseConditionsFile(content: string): ParsedConditionsFile {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const separators = lines.flatMap((line, index) => (line.trim() === separatorLine ? [index] : []));
  if (separators.length === 0) return { ok: false, problem: `it has no line with only ${separatorLine} between the Thai and the English text` };
  if (separators.length > 1) {
    return { ok: false, problem: `it has ${separators.length} lines with only ${separatorLine} (lines ${separators.map((i) => i + 1).join(', ')}); it needs exactly one, between the Thai and the English text` };
  }
  const at = separators[0]!;
  const textTh = lines.slice(0, at).join('\n').trim();
  const textEn = lines.slice(at + 1).join('\n').trim();
  if (textTh === '') return { ok: false, problem: `the Thai text before the ${separatorLine} line is empty` };
  if (textEn === '') return { ok: false, problem: `the English text after the ${separatorLine} line is empty` };
  return { ok: true, texts: { textTh, textEn } };
}

/** The texts as such a file: what `conditions show` prints, ready to edit and publish again. */
export const formatConditionsFile = (texts: ConditionsTexts) => `${texts.textTh}\n${separatorLine}\n${texts.textEn}\n`;
