/**
 * The prefilter's per-scan bookkeeping (`selectRules` in prefilter.ts): where each keyword entry and
 * each rule was first and last seen, in typed arrays kept per index and reused by every scan.
 */
import type { Entry, KeywordIndex } from "./prefilter.ts";

/**
 * What one pass collects, in scratch arrays kept per index and reused by every scan (a scan runs
 * to completion synchronously, and a `Selection` keeps nothing of them): per keyword entry and per
 * rule, its first and last offset, valid where its stamp equals `gen`; per positional rule, every
 * occurrence.
 */
export interface Marks {
  readonly gen: number;
  readonly stamp: Uint32Array;
  readonly first: Int32Array;
  readonly last: Int32Array;
  /** Entry ids in the order first seen. */
  readonly seen: number[];
  /** Made on the first positional occurrence. */
  at: Map<number, number[]> | undefined;
}

export interface Scratch {
  gen: number;
  readonly entries: { stamp: Uint32Array; first: Int32Array; last: Int32Array };
  readonly rules: { stamp: Uint32Array; first: Int32Array; last: Int32Array };
  /** The rules hit by the current pass (`ruleSpans`), ascending in their first `count` slots. */
  readonly hits: Int32Array;
}

const scratches = new WeakMap<KeywordIndex, Scratch>();

export function scratchOf(index: KeywordIndex): Scratch {
  let s = scratches.get(index);
  if (!s) {
    const table = (n: number) => ({
      stamp: new Uint32Array(n),
      first: new Int32Array(n),
      last: new Int32Array(n),
    });
    s = {
      gen: 0,
      entries: table(index.entryCount),
      rules: table(index.rules.length),
      hits: new Int32Array(index.rules.length),
    };
    scratches.set(index, s);
  }
  s.gen = (s.gen + 1) >>> 0;
  if (s.gen === 0) { // wrapped: forget every stamp
    s.entries.stamp.fill(0);
    s.rules.stamp.fill(0);
    s.gen = 1;
  }
  return s;
}

export function markEntry(m: Marks, e: Entry, at: number): void {
  if (m.stamp[e.id] !== m.gen) m.stamp[e.id] = m.gen, m.first[e.id] = at, m.seen.push(e.id);
  m.last[e.id] = at;
  for (const r of e.positional) {
    const list = (m.at ??= new Map()).get(r);
    if (list) list.push(at, e.keyword.length);
    else m.at.set(r, [at, e.keyword.length]);
  }
}

/**
 * Folds the keywords' offsets into their rules' (into `scratch.rules`) and lists the rules hit in
 * `scratch.hits`, ascending; returns how many. (No closure, list or sort copy per scan: it runs for
 * every string scanned, decoded views included.)
 */
export function ruleSpans(index: KeywordIndex, m: Marks, length: number, scratch: Scratch): number {
  let count = 0;
  for (const r of index.always) count = addSpan(scratch, m.gen, count, r, 0, length);
  for (const id of m.seen) {
    const e = index.entries[id];
    if (!e) continue;
    const first = m.first[id] ?? 0;
    const last = m.last[id] ?? 0;
    for (const r of e.rules) count = addSpan(scratch, m.gen, count, r, first, last);
  }
  const hits = scratch.hits;
  for (let i = 1; i < count; i++) { // insertion sort: short lists, mostly in order already
    const r = hits[i]!;
    let j = i - 1;
    while (j >= 0 && hits[j]! > r) {
      hits[j + 1] = hits[j]!;
      j--;
    }
    hits[j + 1] = r;
  }
  return count;
}

function addSpan(
  scratch: Scratch,
  gen: number,
  count: number,
  r: number,
  first: number,
  last: number,
): number {
  const spans = scratch.rules;
  if (spans.stamp[r] !== gen) {
    spans.stamp[r] = gen, spans.first[r] = first, spans.last[r] = last, scratch.hits[count] = r;
    return count + 1;
  }
  if (first < (spans.first[r] ?? 0)) spans.first[r] = first;
  if (last > (spans.last[r] ?? 0)) spans.last[r] = last;
  return count;
}
