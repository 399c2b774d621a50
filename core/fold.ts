/**
 * How the directory compares text: the one fold that both orders and searches names, so that
 * "Øyvind" sorts and is found as "Oyvind", and a phone's curly apostrophe as a straight one.
 *
 * Unicode's decompositions drop most accents (é is e + an acute), but some Latin letters are
 * letters of their own and do not decompose: Ø, Ł, Đ, Æ, Œ, Þ and others. Their ASCII spellings
 * below follow CLDR's Latin-ASCII transform (unicode-org/cldr, common/transforms/Latin-ASCII.xml),
 * limited to letters and to the punctuation people type inside names.
 */

/** Letters without a decomposition, lower-cased, with the spelling they are compared as. */
const LETTERS: Readonly<Record<string, string>> = {
  æ: 'ae',
  ð: 'd',
  đ: 'd',
  ɖ: 'd',
  ɗ: 'd',
  ø: 'o',
  ɵ: 'o',
  ł: 'l',
  ƚ: 'l',
  ɫ: 'l',
  ɬ: 'l',
  ɭ: 'l',
  œ: 'oe',
  þ: 'th',
  ß: 'ss',
  ħ: 'h',
  ɦ: 'h',
  ı: 'i',
  ɨ: 'i',
  ĸ: 'q',
  ŋ: 'n',
  ɲ: 'n',
  ɳ: 'n',
  ŧ: 't',
  ʈ: 't',
  ƀ: 'b',
  ɓ: 'b',
  ƈ: 'c',
  ȼ: 'c',
  ƒ: 'f',
  ɠ: 'g',
  ƙ: 'k',
  ɱ: 'm',
  ƥ: 'p',
  ʋ: 'v',
  ƴ: 'y',
  ɏ: 'y',
  ƶ: 'z',
  ʐ: 'z',
  ʑ: 'z',
  ɇ: 'e',
  ɉ: 'j',
  ɍ: 'r',
  ɽ: 'r',
  ɾ: 'r',
  ʂ: 's',
  ȿ: 's',
  ɀ: 'z',
};

/** Apostrophes and hyphens as phones and word processors type them. */
const PUNCTUATION: Readonly<Record<string, string>> = {
  '\u2019': "'", // right single quotation mark: what phones type for '
  '\u2018': "'",
  '\u02BC': "'", // modifier letter apostrophe
  '\u02BB': "'", // ʻokina
  '\u00B4': "'", // acute accent typed alone (it would decompose to a space)
  '\u0060': "'",
  '\u2032': "'",
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
};

/** Zero-width non-joiner and joiner: they shape a word (Persian, Indic scripts) but are not letters of it. */
const JOINERS = /[\u200C\u200D]/gu;

const LETTER_PATTERN = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'gu');
const PUNCTUATION_PATTERN = new RegExp(`[${Object.keys(PUNCTUATION).join('')}]`, 'gu');

/**
 * Text as the directory compares it: punctuation unified, compatibility forms unified, accents
 * dropped, case folded, the letters above spelled in ASCII, joiners dropped, runs of space made one.
 */
export function foldText(text: string): string {
  return text
    .replace(PUNCTUATION_PATTERN, (c) => PUNCTUATION[c] as string)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .toLowerCase()
    .replace(LETTER_PATTERN, (c) => LETTERS[c] as string)
    .replace(JOINERS, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .normalize('NFC');
}
