/**
 * Invisible characters in what people type: found, named and placed, so that a refusal says which
 * character and where ("the right-to-left override (U+202E), character 5") rather than only that
 * something unseen is wrong.
 */

/** Control and format characters, the line and paragraph separators, and variation selectors. */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Variation_Selector}\u2028\u2029]$/u;
/** A zero-width non-joiner or joiner between two letters (a mark counts as part of its letter). */
const JOINER_IN_WORD = /(?<=[\p{L}\p{M}])[\u200C\u200D](?=[\p{L}\p{M}])/gu;
/** What a person would call the invisible characters met most often. */
const NAMES: Readonly<Record<string, string>> = {
  'U+0009': 'tab',
  'U+000A': 'line break',
  'U+000D': 'line break',
  'U+00AD': 'soft hyphen',
  'U+200B': 'zero-width space',
  'U+200C': 'zero-width non-joiner',
  'U+200D': 'zero-width joiner',
  'U+200E': 'left-to-right mark',
  'U+200F': 'right-to-left mark',
  'U+202A': 'left-to-right embedding',
  'U+202B': 'right-to-left embedding',
  'U+202C': 'pop directional formatting',
  'U+202D': 'left-to-right override',
  'U+202E': 'right-to-left override',
  'U+2066': 'left-to-right isolate',
  'U+2067': 'right-to-left isolate',
  'U+2068': 'first strong isolate',
  'U+2069': 'pop directional isolate',
  'U+2028': 'line separator',
  'U+2029': 'paragraph separator',
  'U+FEFF': 'zero-width no-break space',
};

/**
 * The first invisible character of `text` that is not allowed, with its code point and place
 * (counted in characters from 1); undefined when there is none. With `joinersInWords`, a
 * zero-width non-joiner or joiner between two letters is allowed, since Persian and Indic scripts
 * need them inside words.
 */
export function findInvisible(text: string, joinersInWords = false): string | undefined {
  // Allowed joiners become a letter: the same length in characters, so places stay true.
  const checked = joinersInWords ? text.replace(JOINER_IN_WORD, 'a') : text;
  let place = 0;
  for (const ch of checked) {
    place++;
    if (!INVISIBLE.test(ch)) continue;
    const cp = ch.codePointAt(0) as number;
    const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    const name = NAMES[hex];
    const where = `at character ${place}`;
    const what = name ? `the ${name} (${hex})` : `an invisible character (${hex})`;
    const joiner =
      joinersInWords && (cp === 0x200c || cp === 0x200d) ? ', which may only stand between two letters' : '';
    return `${what} ${where}${joiner}`;
  }
  return undefined;
}
