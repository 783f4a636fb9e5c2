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
