/**
 * Value-quality predicates shared by the detectors: placeholders, documentation values, sequential
 * or one-character bodies, English-word slugs and character statistics. All linear, no regex state.
 */

const PLACEHOLDER_MARKERS = [
  "example",
  "sampl",
  "dummy",
  "placeholder",
  "xxxx",
  "****",
  "...",
  "…",
  "your",
  "redacted",
  "changeme",
  "change_me",
  "insert",
  "replace",
  "fake",
  "tokenhere",
  "keyhere",
  "notreal",
  "${",
  "{{",
  "%s",
];

/** True for values nobody would call a real credential: `xxxx`, `EXAMPLE`, `0123456789abcdef`, `aaaa`. */
export function isPlaceholderToken(value: string): boolean {
  const lower = value.toLowerCase();
  for (const marker of PLACEHOLDER_MARKERS) if (lower.includes(marker)) return true;
  if (/<[a-z _-]+>/.test(lower)) return true;
  return isLowDiversity(value) || longestRun(lower) >= (value.length > 64 ? 8 : 6) || isWordSlug(lower);
}

/**
 * One character makes up more than half of the value, or it has fewer than 5 distinct characters.
 * Non-ASCII characters count as one distinct character and never as the majority. No allocation:
 * distinct characters in a 128-bit mask, the majority by Boyer-Moore vote (then counted).
 */
export function isLowDiversity(value: string): boolean {
  if (value.length < 8) return false;
  let m0 = 0, m1 = 0, m2 = 0, m3 = 0;
  let distinct = 0;
  let other = false;
  let candidate = -1;
  let votes = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const code = c < 128 ? c : 128;
    if (votes === 0) candidate = code;
    votes += code === candidate ? 1 : -1;
    if (c >= 128) {
      other = true;
      continue;
    }
    const bit = 1 << (c & 31);
    const word = c >> 5;
    const mask = word === 0 ? m0 : word === 1 ? m1 : word === 2 ? m2 : m3;
    if ((mask & bit) !== 0) continue;
    distinct++;
    if (word === 0) m0 |= bit;
    else if (word === 1) m1 |= bit;
    else if (word === 2) m2 |= bit;
    else m3 |= bit;
  }
  if (other) distinct += 1;
  return majority(value, candidate) || distinct < Math.min(5, value.length / 3);
}

/** Whether ASCII code `candidate` makes up more than half of `value`. */
function majority(value: string, candidate: number): boolean {
  if (candidate < 0 || candidate >= 128) return false;
  let n = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === candidate) n++;
  return n * 2 > value.length;
}

/**
 * Longest ascending or descending alphanumeric progression, with stride 1 (`abcdef`) or 2 (`a1b2c3`).
 * One pass with six run counters (stride-2 runs are kept apart by the parity of the position).
 */
export function longestRun(lower: string): number {
  if (lower.length === 0) return 0;
  let best = 1;
  let up = 0, down = 0, upEven = 0, upOdd = 0, downEven = 0, downOdd = 0;
  let before = -1; // code at i - 2
  let prev = lower.charCodeAt(0); // code at i - 1
  for (let i = 1; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    const alnum = isAlnumCode(c);
    const linked = alnum && isAlnumCode(prev);
    up = linked && c - prev === 1 ? up + 1 : 0;
    down = linked && c - prev === -1 ? down + 1 : 0;
    let longest = up > down ? up : down;
    if (i >= 2) {
      const linked2 = alnum && isAlnumCode(before);
      const u = linked2 && c - before === 1 ? (i % 2 === 0 ? upEven : upOdd) + 1 : 0;
      const d = linked2 && c - before === -1 ? (i % 2 === 0 ? downEven : downOdd) + 1 : 0;
      if (i % 2 === 0) upEven = u, downEven = d;
      else upOdd = u, downOdd = d;
      longest = Math.max(longest, u, d);
    }
    if (longest + 1 > best) best = longest + 1;
    before = prev;
    prev = c;
  }
  return best;
}

function isAlnumCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122);
}

/** `there-are-not-the-webhook-you-are-looking-for`: mostly English-looking words between separators. */
export function isWordSlug(lower: string): boolean {
  let separators = 0; // four words need three separators: most values have none
  for (let i = 0; i < lower.length && separators < 3; i++) {
    const c = lower.charCodeAt(i);
    if (c === 45 || c === 95 || c === 46 || c === 32) separators++;
  }
  if (separators < 3) return false;
  let words = 0;
  let letters = 0;
  for (const part of lower.split(/[-_. ]/)) {
    if (/^[a-z]{2,10}$/.test(part) && /[aeiouy]/.test(part) && !/[^aeiouy]{4}/.test(part)) {
      words++;
      letters += part.length;
    }
  }
  return words >= 6 || (words >= 4 && letters * 2 >= lower.length);
}

/**
 * Code identifiers and prose rather than random material: most of the value is made of
 * pronounceable words (`api_keys_1.APIKeys`, `_X509WorkloadIdentityAuth_project`, `isBearerToken`).
 */
export function looksLikeWords(value: string): boolean {
  let covered = 0;
  let long = 0;
  for (const m of value.matchAll(/[A-Z]?[a-z]{2,}|[A-Z]{2,}(?![a-z])/g)) {
    // Over 40% already left uncovered: 60% can no longer be reached (integer test, no rounding).
    if ((m.index - covered) * 5 > value.length * 2) return false;
    const w = m[0];
    if (w.length < 3 || !/[aeiou]/i.test(w) || /[^aeiouy]{4}/i.test(w)) continue;
    covered += w.length;
    if (w.length >= 4) long++;
  }
  return long >= 2 && covered >= value.length * 0.6;
}

export interface CharClasses {
  readonly upper: number;
  readonly lower: number;
  readonly digit: number;
  readonly other: number;
}

export function charClasses(value: string): CharClasses {
  let upper = 0, lower = 0, digit = 0, other = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c >= 48 && c <= 57) digit++;
    else other++;
  }
  return { upper, lower, digit, other };
}

/** Number of non-empty classes among upper, lower, digit and other. */
export function classCount(c: CharClasses): number {
  return (c.upper > 0 ? 1 : 0) + (c.lower > 0 ? 1 : 0) + (c.digit > 0 ? 1 : 0) + (c.other > 0 ? 1 : 0);
}

/** Shannon entropy in bits per character. */
export function shannon(value: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Entropy divided by the most a string of this length and alphabet could have (0..1). */
export function normalisedEntropy(value: string): number {
  if (value.length < 2) return 0;
  const c = charClasses(value);
  const hexOnly = /^[0-9a-fA-F]+$/.test(value);
  const alphabet = hexOnly
    ? 16
    : (c.upper ? 26 : 0) + (c.lower ? 26 : 0) + (c.digit ? 10 : 0) + (c.other ? 4 : 0);
  return shannon(value) / Math.log2(Math.max(2, Math.min(value.length, alphabet)));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Hex strings of digest length (MD5, SHA-1, SHA-256, SHA-512, git). */
export function isHexDigest(value: string): boolean {
  return /^[0-9a-f]+$/i.test(value) && [32, 40, 56, 64, 96, 128].includes(value.length);
}
