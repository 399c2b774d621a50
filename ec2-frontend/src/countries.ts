/**
 * Country names for the form's suggestions (a datalist: the field stays free text, as the
 * reference stores it). From the ICU data Node ships, not a hand-kept list: every two-letter
 * region code that names a country or territory, in English, sorted.
 */
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ']);

function countryNames(): string[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const out = new Set<string>();
  for (const a of LETTERS) {
    for (const b of LETTERS) {
      const code = `${a}${b}`;
      if (NOT_COUNTRIES.has(code)) continue;
      const name = names.of(code);
      if (name && name !== code) out.add(name);
    }
  }
  return [...out].sort((x, y) => x.localeCompare(y, 'en'));
}

export const COUNTRIES: readonly string[] = countryNames();
