/**
 * Codes and ids made from Danish texts (the editor's option codes and question ids): ZCode / ZId
 * shaped, unique among those taken.
 */
const MAX_CODE = 64;
const LETTERS: Record<string, string> = { æ: 'ae', ø: 'oe', å: 'aa' };

/** `base`, or `base_2`, `base_3`, … (cut to stay within 64 characters): the first not in `taken`. */
export function withSuffix(base: string, taken: Set<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = `${base.slice(0, MAX_CODE - suffix.length).replace(/_+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * An option code (ZCode) from a label: æ → ae, ø → oe, å → aa, accents dropped, lower case, every
 * other character an underscore, at most 64 characters, unique among `taken` by `_2`, `_3`, …
 * ("Ved ikke" → `ved_ikke`; a label without letters or digits → `svar`).
 */
export function codeFromLabel(label: string, taken: Iterable<string> = []): string {
  const written = label
    .toLowerCase()
    .replace(/[æøå]/g, (c) => LETTERS[c]!)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_CODE)
    .replace(/_+$/, '');
  return withSuffix(written || 'svar', new Set(taken));
}

/** A question or section id (ZId: starts with a letter) from a text, unique among `taken`. */
export function idFromText(text: string, taken: Iterable<string>): string {
  const code = codeFromLabel(text);
  return withSuffix(/^[a-z]/.test(code) ? code : `q_${code}`.slice(0, MAX_CODE), new Set(taken));
}

