/** Table-driven scanning of character runs (faster than a regex with a look-behind per position). */

/** Lookup table for the characters of `alphabet` (ASCII only). */
export function charTable(alphabet: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = 1;
  return table;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** base64, base64url and hex characters. */
export const BASE64_CHARS = charTable(`${ALNUM}+/_-`);
/** Characters of opaque tokens: base64(url), dots, tildes, padding. */
export const TOKEN_CHARS = charTable(`${ALNUM}+/_-=.~`);

export function inTable(table: Uint8Array, code: number): boolean {
  return code < 128 && table[code] === 1;
}

/** Maximal runs of table characters at least `min` long (cut at `max`), in one pass. */
export function findRuns(text: string, table: Uint8Array, min: number, max: number): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const member = c < 128 && table[c] === 1;
    if (member && start < 0) start = i;
    else if (!member && start >= 0) {
      if (i - start >= min) runs.push([start, Math.min(i, start + max)]);
      start = -1;
    }
  }
  return runs;
}
