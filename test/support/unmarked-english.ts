/*
 * English a page shows outside any element marked lang="en", which a screen reader would read with the page's
 * Thai voice. Read from the HTML as the consoles write it (every element closed), without a browser. English is
 * two or more Latin words in a row, or a Latin word after the consoles' " · " between Thai and English; a single
 * word inside Thai (ThaID, PIN, token) is not, nor are the terms Thai writes in Latin letters (Redirect URI). Left out, as nobody reads them as prose or their text takes one
 * language only: styles, scripts, the title, code, URIs and citizen IDs, text fields' values, and options.
 */

const voidElements = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const skippedElements = new Set(['style', 'script', 'title', 'code', 'textarea', 'option']);
const skippedClasses = /\bclass="[^"]*\b(uri|pid)\b/;
const thaiLoanTerms = /\b(Redirect URI|Laser ID|ID token|API key|QR code)\b/g;
const english = /[A-Za-z][a-z]+(?:[ ,;:'’()]+[A-Za-z]+)+|·\s*\(?[A-Za-z]/;

interface Open {
  tag: string;
  english: boolean;
  skipped: boolean;
}

/** Each piece of text, with its words as they read, that is English outside lang="en". */
export function unmarkedEnglish(html: string): string[] {
  const open: Open[] = [{ tag: '', english: false, skipped: false }];
  const found: string[] = [];
  for (const [, closing, tag, attributes, text] of html.matchAll(/<!--[\s\S]*?-->|<!doctype[^>]*>|<(\/?)([a-zA-Z][\w-]*)([^>]*)>|([^<]+)/gi)) {
    const parent = open.at(-1)!;
    if (text !== undefined) {
      const words = decode(text).replace(/\s+/g, ' ').trim();
      if (!parent.english && !parent.skipped && english.test(words.replace(thaiLoanTerms, ''))) found.push(words);
      continue;
    }
    if (!tag) continue;
    const name = tag.toLowerCase();
    if (closing) {
      const at = open.findLastIndex((element) => element.tag === name);
      if (at > 0) open.length = at;
      continue;
    }
    if (voidElements.has(name) || attributes!.endsWith('/')) continue;
    const lang = /\blang="([^"]*)"/.exec(attributes!)?.[1];
    open.push({
      tag: name,
      english: lang === undefined ? parent.english : /^en\b/.test(lang),
      skipped: parent.skipped || skippedElements.has(name) || skippedClasses.test(attributes!),
    });
  }
  return found;
}

function decode(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
