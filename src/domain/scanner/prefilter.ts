/**
 * Keyword prefilter: one pass over the text finds which rules can possibly match and where their
 * keywords occur, so a string without `ghp_`, `akia`, `password`… never runs their regexes, a rule
 * whose keywords sit in one corner of a large text searches only there (`Where.first`/`last`), the
 * keyword-driven rules (`positional`) read every occurrence instead of searching for them, and the
 * rules of long tokens (`minRun`) search only the long runs of token characters.
 *
 * Each character maps to one of 64 classes (ASCII letters case-folded, every keyword character its
 * own class, other ASCII class 0, non-ASCII one shared class); the last three classes form an exact
 * key into a two-level table of keyword buckets (two-character keywords are entered under every
 * third class), so a position costs one class and one table lookup, with no lower-cased copy of the
 * text. A bucket hit is confirmed in place from the fourth character on (ASCII case-insensitively;
 * non-ASCII keywords wholly). One-character keywords use `indexOf`.
 */
import type { Rule, Where } from "./rule.ts";
import { markEntry, type Marks, ruleSpans, scratchOf } from "./prefilter_marks.ts";

export interface Entry {
  /** Lower-case keyword. */
  readonly keyword: string;
  readonly rules: readonly number[];
  /** Dense index (per-scan offsets are kept per keyword, then folded into its rules). */
  readonly id: number;
  /** Characters before this are proven by the class lookup (ASCII); the rest are compared. */
  readonly verifyFrom: number;
  /** The `positional` rules among `rules`. */
  readonly positional: readonly number[];
}

export interface KeywordIndex {
  readonly rules: readonly Rule[];
  readonly always: readonly number[];
  readonly singles: readonly Entry[];
  /** Class bigram → 1 + row of `rows`, or 0. */
  readonly pairs: Uint16Array;
  /** Row × 64 + third class → 1 + index into `buckets`, or 0. */
  readonly rows: Uint16Array;
  readonly buckets: readonly (readonly Entry[])[];
  /** Every keyword entry, by id. */
  readonly entries: readonly Entry[];
  readonly entryCount: number;
  /** Per rule: the run of `[A-Za-z0-9_.|-]` its matches need (`Rule.minRun`), or 0. */
  readonly minRuns: Uint16Array;
  /** The smallest `minRun` of any rule. */
  readonly shortestRun: number;
}

/** The rules a text selects (ascending) and, for each, where its keywords and long runs lie. */
export interface Selection {
  readonly ids: readonly number[];
  /** `wheres[k]`: the keyword offsets (and positions or long runs) of rule `ids[k]`. */
  readonly wheres: readonly Where[];
}

/** The keyword offsets of selected rule `r`, as `Rule.find` takes them. */
export function whereOf(s: Selection, r: number): Where {
  const where = s.wheres[s.ids.indexOf(r)];
  if (!where) throw new RangeError(`rule ${r} is not selected`);
  return where;
}

/** Classes 1–40 are the run characters `[a-z0-9_.|-]` (`Rule.minRun`); 63 is every non-ASCII one. */
const RUN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_.|-";
/** The other characters that start keywords (any other ASCII character is class 0). */
const OTHER_ALPHABET = ` "/:~'=<>{(`;
const NON_ASCII = 63;
const RUN_CLASSES = RUN_ALPHABET.length;

function classTable(): Uint8Array {
  const table = new Uint8Array(128);
  [...RUN_ALPHABET, ...OTHER_ALPHABET].forEach((ch, i) => {
    table[ch.charCodeAt(0)] = i + 1;
    table[ch.toUpperCase().charCodeAt(0)] = i + 1;
  });
  return table;
}

const CLASS = classTable();
if (RUN_ALPHABET.length + OTHER_ALPHABET.length >= NON_ASCII) throw new Error("prefilter: too many classes");
const classOf = (c: number): number => (c < 128 ? CLASS[c] ?? 0 : NON_ASCII);

/** `keyword` may serve the positional rules among `ruleIds` (see `Rule.positional`). */
function positionalKeyword(keyword: string, rules: readonly Rule[], ruleIds: readonly number[]): boolean {
  return keyword.length >= 2 && ruleIds.every((r) =>
    !rules[r]?.positional ||
    !(rules[r]?.keywords ?? []).some((other) => other !== keyword && other.startsWith(keyword))
  );
}

function groupKeywords(rules: readonly Rule[]): { always: number[]; byKeyword: Map<string, number[]> } {
  const byKeyword = new Map<string, number[]>();
  const always: number[] = [];
  rules.forEach((rule, i) => {
    if (rule.keywords.length === 0) always.push(i);
    for (const kw of rule.keywords) byKeyword.set(kw, [...(byKeyword.get(kw) ?? []), i]);
  });
  return { always, byKeyword };
}

/** The entry of one keyword, checked against the class alphabet and the positional rules' needs. */
function entryOf(keyword: string, ruleIds: readonly number[], id: number, rules: readonly Rule[]): Entry {
  const c = [...keyword.slice(0, 3)].map((ch) => classOf(ch.charCodeAt(0)));
  if (c.some((k) => k === 0)) throw new Error(`keyword ${keyword}: add its characters to the classes`);
  if (ruleIds.some((r) => rules[r]?.positional) && !positionalKeyword(keyword, rules, ruleIds)) {
    throw new Error(
      `keyword ${keyword}: a positional rule needs keywords of ≥ 2 characters, none a prefix of another`,
    );
  }
  return {
    keyword,
    rules: ruleIds,
    id,
    verifyFrom: c.includes(NON_ASCII) ? 0 : c.length,
    positional: ruleIds.filter((r) => rules[r]?.positional),
  };
}

/** Class trigram keys of a keyword (a two-character one under every third class). */
function keysOf(keyword: string): number[] {
  const [a = 0, b = 0, c = 0] = [...keyword.slice(0, 3)].map((ch) => classOf(ch.charCodeAt(0)));
  if (keyword.length >= 3) return [(a << 12) | (b << 6) | c];
  return Array.from({ length: 64 }, (_, third) => (a << 12) | (b << 6) | third);
}

export function buildIndex(rules: readonly Rule[]): KeywordIndex {
  const { always, byKeyword } = groupKeywords(rules);
  const trigrams = new Map<number, Entry[]>();
  const singles: Entry[] = [];
  const entries = [...byKeyword].map(([keyword, ruleIds], id) => entryOf(keyword, ruleIds, id, rules));
  for (const entry of entries) {
    if (entry.keyword.length === 1) singles.push(entry);
    else for (const key of keysOf(entry.keyword)) trigrams.set(key, [...(trigrams.get(key) ?? []), entry]);
  }
  return {
    rules,
    always,
    singles,
    ...tables(trigrams),
    entries,
    entryCount: entries.length,
    minRuns: Uint16Array.from(rules, (r) => r.minRun ?? 0),
    shortestRun: Math.min(...rules.map((r) => r.minRun || Infinity)),
  };
}

/** The two-level lookup (bigram row, then third class) of a map from class trigrams to entries. */
function tables(trigrams: ReadonlyMap<number, Entry[]>): Pick<KeywordIndex, "pairs" | "rows" | "buckets"> {
  const pairs = new Uint16Array(1 << 12);
  for (const key of trigrams.keys()) {
    if (pairs[key >> 6] === 0) pairs[key >> 6] = pairs.reduce((n, v) => Math.max(n, v), 0) + 1;
  }
  const rows = new Uint16Array(pairs.reduce((n, v) => Math.max(n, v), 0) * 64);
  const buckets: Entry[][] = [];
  for (const [key, entries] of trigrams) {
    rows[((pairs[key >> 6] ?? 1) - 1) * 64 + (key & 63)] = buckets.push(entries);
  }
  return { pairs, rows, buckets };
}

/** Whether `keyword` (lower case) occurs in `text` at `at`, ASCII case-insensitively, from `k`. */
function occursAt(text: string, keyword: string, at: number, from: number): boolean {
  if (at < 0 || at + keyword.length > text.length) return false;
  for (let k = from; k < keyword.length; k++) {
    const c = text.charCodeAt(at + k);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== keyword.charCodeAt(k)) return false;
  }
  return true;
}

const isRunCode = (c: number): boolean => c < 128 && (CLASS[c] ?? 0) !== 0 && (CLASS[c] ?? 0) <= RUN_CLASSES;

/**
 * Start and end (flat pairs) of every run of `[A-Za-z0-9_.|-]` in `text` at least `min` long. Probes
 * every `min`-th character (a run that long covers a probe), walking only the runs probes land in.
 */
function longRuns(text: string, min: number): number[] {
  const runs: number[] = [];
  for (let i = min - 1; i < text.length;) {
    // A run of ≥ min around i also holds i - h or i + min - 1 - h: most short words end here, unwalked.
    const h = min >> 1;
    if (
      !isRunCode(text.charCodeAt(i)) ||
      !(isRunCode(text.charCodeAt(i - h)) || isRunCode(text.charCodeAt(i + min - 1 - h)))
    ) {
      i += min;
      continue;
    }
    let start = i;
    while (start > 0 && isRunCode(text.charCodeAt(start - 1))) start--;
    let end = i + 1;
    while (end < text.length && isRunCode(text.charCodeAt(end))) end++;
    if (end - start >= min) runs.push(start, end);
    i = end + min;
  }
  return runs;
}

/** The runs of `runs` at least `min` long. */
function runsOf(runs: readonly number[], min: number): number[] {
  const out: number[] = [];
  for (let k = 0; k + 1 < runs.length; k += 2) {
    if ((runs[k + 1] ?? 0) - (runs[k] ?? 0) >= min) out.push(runs[k] ?? 0, runs[k + 1] ?? 0);
  }
  return out;
}

function markBucket(m: Marks, text: string, bucket: readonly Entry[], at: number): void {
  for (const e of bucket) if (occursAt(text, e.keyword, at, e.verifyFrom)) markEntry(m, e, at);
}

/** The rules whose keywords occur in `text` (plus the keyword-less ones) and their offsets. */
export function selectRules(index: KeywordIndex, text: string): Selection {
  const { pairs, rows, buckets, minRuns } = index;
  const scratch = scratchOf(index);
  const m: Marks = { gen: scratch.gen, ...scratch.entries, seen: [], at: undefined };
  for (const e of index.singles) {
    const at = text.indexOf(e.keyword);
    if (at !== -1) markEntry(m, e, at), markEntry(m, e, text.lastIndexOf(e.keyword));
  }
  const n = text.length;
  let pair = 0; // classes of the two characters before i
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? CLASS[c] ?? 0 : NON_ASCII;
    const row = pairs[pair] ?? 0;
    pair = ((pair << 6) | k) & 0xfff;
    if (row === 0) continue;
    const slot = rows[(row - 1) * 64 + k] ?? 0;
    if (slot !== 0) markBucket(m, text, buckets[slot - 1] ?? [], i - 2);
  }
  // A two-character keyword ending the text has no third character: look it up under class 0.
  const tail = rows[((pairs[pair] ?? 0) - 1) * 64] ?? 0;
  if (tail !== 0) markBucket(m, text, buckets[tail - 1] ?? [], n - 2);
  const spans = scratch.rules;
  const ids: number[] = [];
  const wheres: Where[] = [];
  let long: number[] | undefined;
  const hits = scratch.hits;
  for (let k = 0, count = ruleSpans(index, m, n, scratch); k < count; k++) {
    const r = hits[k]!;
    const first = spans.first[r] ?? 0;
    const last = spans.last[r] ?? 0;
    const need = minRuns[r] ?? 0;
    const at = m.at?.get(r);
    if (need === 0) {
      ids.push(r), wheres.push(at ? { first, last, at } : { first, last });
      continue;
    }
    long ??= longRuns(text, index.shortestRun);
    const own = runsOf(long, need);
    if (own.length > 0) ids.push(r), wheres.push(at ? { first, last, at } : { first, last, runs: own });
  }
  return { ids, wheres };
}
