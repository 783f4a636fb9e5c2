/**
 * Keyword prefilter: one pass over the lower-cased text finds which rules can possibly match, so a
 * string without `ghp_`, `akia`, `password`… never runs their regexes. Two-character keywords mark
 * their rules directly from a bigram table; longer ones are found through a hash of their first
 * three characters and confirmed with `startsWith`. One-character keywords use `includes`.
 */
import type { Rule } from "./rule.ts";
import { charTable } from "./runs.ts";

interface Entry {
  readonly keyword: string;
  readonly rules: readonly number[];
  /** Dense index, so a scan marks each keyword's rules once. */
  readonly id: number;
}

export interface KeywordIndex {
  readonly rules: readonly Rule[];
  readonly always: readonly number[];
  readonly singles: readonly Entry[];
  /** Bigram → 1 + index into `pairs`, or 0. */
  readonly bigrams: Uint16Array;
  readonly pairs: readonly (readonly number[])[];
  /** Trigram hash → 1 + index into `buckets`, or 0. */
  readonly trigrams: Uint16Array;
  readonly buckets: readonly (readonly Entry[])[];
  readonly entryCount: number;
  /** Per rule: the run of `RUN_CHARS` its matches need (`Rule.minRun`), or 0. */
  readonly minRuns: Uint16Array;
}

/** `[A-Za-z0-9_.|-]`, lower-case side: the characters `Rule.minRun` counts. */
const RUN_CHARS = charTable("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.|-");

const fold = (c: number): number => (c < 255 ? c : 255);
const bigram = (a: number, b: number): number => (a << 8) | b;
const trigram = (a: number, b: number, c: number): number => ((a * 961) ^ (b * 31) ^ c) & 0xffff;

function groupKeywords(rules: readonly Rule[]): { always: number[]; byKeyword: Map<string, number[]> } {
  const byKeyword = new Map<string, number[]>();
  const always: number[] = [];
  rules.forEach((rule, i) => {
    if (rule.keywords.length === 0) always.push(i);
    for (const kw of rule.keywords) byKeyword.set(kw, [...(byKeyword.get(kw) ?? []), i]);
  });
  return { always, byKeyword };
}

export function buildIndex(rules: readonly Rule[]): KeywordIndex {
  const { always, byKeyword } = groupKeywords(rules);
  const bigrams = new Uint16Array(65536);
  const trigrams = new Uint16Array(65536);
  const pairs: number[][] = [];
  const buckets: Entry[][] = [];
  const singles: Entry[] = [];
  let id = 0;
  for (const [keyword, ruleIds] of byKeyword) {
    const c = [...keyword.slice(0, 3)].map((ch) => fold(ch.charCodeAt(0)));
    if (keyword.length === 1) singles.push({ keyword, rules: ruleIds, id: id++ });
    else if (keyword.length === 2) {
      const slot = bigram(c[0] ?? 0, c[1] ?? 0);
      if (bigrams[slot] === 0) bigrams[slot] = pairs.push([]);
      pairs[(bigrams[slot] ?? 1) - 1]?.push(...ruleIds);
    } else {
      const slot = trigram(c[0] ?? 0, c[1] ?? 0, c[2] ?? 0);
      if (trigrams[slot] === 0) trigrams[slot] = buckets.push([]);
      buckets[(trigrams[slot] ?? 1) - 1]?.push({ keyword, rules: ruleIds, id: id++ });
    }
  }
  const minRuns = Uint16Array.from(rules, (r) => r.minRun ?? 0);
  return { rules, always, singles, bigrams, pairs, trigrams, buckets, entryCount: id, minRuns };
}

function mark(active: Uint8Array, rules: readonly number[]): void {
  for (const r of rules) active[r] = 1;
}

/** Indexes of the rules whose keywords occur in `lower` (plus the keyword-less ones), ascending. */
export function selectRules(index: KeywordIndex, lower: string): number[] {
  const { bigrams, pairs, trigrams, buckets, minRuns } = index;
  const active = new Uint8Array(index.rules.length);
  mark(active, index.always);
  for (const e of index.singles) if (lower.includes(e.keyword)) mark(active, e.rules);
  const n = lower.length;
  let a = 0;
  let b = n > 0 ? fold(lower.charCodeAt(0)) : 0;
  let run = b < 128 && RUN_CHARS[b] === 1 ? 1 : 0;
  let longest = run;
  // Marking is idempotent, so a keyword seen twice is simply marked twice (no per-call "done" set).
  for (let i = 1; i < n; i++) {
    const c = fold(lower.charCodeAt(i));
    run = c < 128 && RUN_CHARS[c] === 1 ? run + 1 : 0;
    if (run > longest) longest = run;
    const pair = bigrams[bigram(b, c)] ?? 0;
    if (pair !== 0) mark(active, pairs[pair - 1] ?? []);
    const slot = i >= 2 ? trigrams[trigram(a, b, c)] ?? 0 : 0;
    if (slot !== 0) {
      for (const e of buckets[slot - 1] ?? []) if (lower.startsWith(e.keyword, i - 2)) mark(active, e.rules);
    }
    a = b;
    b = c;
  }
  const selected: number[] = [];
  for (let i = 0; i < active.length; i++) {
    if (active[i] === 1 && (minRuns[i] ?? 0) <= longest) selected.push(i);
  }
  return selected;
}
