/** The detector model: a rule is keywords plus a `find` over one view's text. */
import { isPlaceholderToken } from "./quality.ts";
import type { Confidence } from "./types.ts";

/** One match of a rule inside a view (offsets are in the view's text). */
export interface Hit {
  readonly ruleId: string;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly confidence: Confidence;
}

/** A detector. `keywords` (lower-case, ≥ 2 chars) gate it; an empty list means "always run". */
export interface Rule {
  readonly id: string;
  readonly name: string;
  readonly keywords: readonly string[];
  /**
   * Every match lies in a run of at least this many `[A-Za-z0-9_.|-]` characters: the prefilter
   * skips the rule on texts without one (for rules whose keyword is one common character).
   */
  readonly minRun?: number;
  /**
   * The rule finds its matches from its keywords' occurrences (`Where.at`) instead of searching
   * the text for them. Its keywords must be at least two characters long and none a prefix of
   * another (so one keyword at most occurs at an offset, as a regex alternation would find it).
   */
  readonly positional?: boolean;
  /**
   * Appends the rule's matches in `text`. `where` (from the prefilter; absent when a caller runs a
   * rule alone) lets a rule skip text well before its first and well after its last keyword (every
   * match holds or follows a keyword).
   */
  readonly find: (text: string, out: Hit[], where?: Where) => void;
}

/** Where the prefilter saw a rule's keywords in a text. */
export interface Where {
  readonly first: number;
  readonly last: number;
  /** For `positional` rules: offset and length (flat pairs) of every keyword occurrence, ascending. */
  readonly at?: readonly number[];
  /**
   * For `minRun` rules: start and end (flat pairs, ascending) of every run of `[A-Za-z0-9_.|-]` at
   * least `minRun` long, where all their matches lie.
   */
  readonly runs?: readonly number[];
}

export interface PatternSpec {
  readonly id: string;
  readonly name: string;
  readonly keywords: readonly string[];
  /** See `Rule.minRun`. */
  readonly minRun?: number;
  /**
   * Non-global regex (it is shared, so it must carry no `lastIndex` state); the secret is the named
   * group `s` when present (use the `d` flag), else the whole match.
   */
  readonly pattern: RegExp;
  /** Default `high`. */
  readonly confidence?: Confidence;
  /**
   * Decides the confidence for one secret; `undefined` rejects it. Defaults to rejecting
   * placeholders (`xxxx`, `EXAMPLE`, sequential or one-character bodies).
   */
  readonly verify?: (secret: string, text: string, start: number) => Confidence | undefined;
  /**
   * For literal-led patterns (fast to search): a regex anchored with `$` that must match the text
   * just before the match; the secret then starts where it starts. No match rejects the hit.
   */
  readonly extendLeft?: RegExp;
}

const LOOKBACK = 64;
/** How far before its first keyword a rule's match may start (a context word, `(?:aws_?)?secret…`). */
const LEAD = 256;
/**
 * How far after its last keyword a rule searches (then on to the next blank, ≤ `REACH` more): a
 * token runs on without blanks, and a match cut at the bound is taken again from the whole text.
 */
const SPAN = 1024;
const REACH = 4096;

/** The end of the text a rule searches: `SPAN` after `last`, moved on to a blank. */
function searchEnd(text: string, last: number): number {
  let end = last + SPAN;
  if (end >= text.length) return text.length;
  const limit = Math.min(text.length, end + REACH);
  while (end < limit) {
    const c = text.charCodeAt(end);
    if (c === 32 || c === 10 || c === 9 || c === 13) return end;
    end++;
  }
  return text.length;
}

/** Runs `re` (global copy) over `text` from `from`, bounded to `[0, end)`; see `SPAN`. */
function* matches(re: RegExp, text: string, from: number, end: number): Generator<RegExpExecArray> {
  const scope = end < text.length ? text.slice(0, end) : text;
  const g = new RegExp(re.source, `${re.flags}g`);
  g.lastIndex = from;
  for (let m = g.exec(scope); m !== null; m = g.exec(scope)) {
    g.lastIndex = m.index + Math.max(1, m[0].length);
    if (scope !== text && m.index + m[0].length === end) {
      const again = new RegExp(re.source, `${re.flags}y`);
      again.lastIndex = m.index;
      const whole = again.exec(text);
      if (whole) yield whole;
      continue;
    }
    yield m;
  }
}

/** Where a pattern rule searches: each long run (`minRun` rules), else around its keywords. */
function searchRanges(text: string, where: Where | undefined): (readonly [number, number])[] {
  const runs = where?.runs;
  if (runs) {
    const ranges: [number, number][] = [];
    for (let k = 0; k + 1 < runs.length; k += 2) {
      ranges.push([Math.max(0, (runs[k] ?? 0) - 1), Math.min(text.length, (runs[k + 1] ?? 0) + 1)]);
    }
    return ranges;
  }
  return [[Math.max(0, (where?.first ?? 0) - LEAD), searchEnd(text, where?.last ?? text.length)]];
}

function leftEdge(text: string, start: number, re: RegExp): number | undefined {
  const from = Math.max(0, start - LOOKBACK);
  const m = re.exec(text.slice(from, start));
  return m ? from + m.index : undefined;
}

/** Builds a regex-backed rule. Every pattern is anchored by a literal or bounded quantifiers. */
export function patternRule(spec: PatternSpec): Rule {
  const confidence = spec.confidence ?? "high";
  const verify = spec.verify ?? ((s: string) => isPlaceholderToken(s) ? undefined : confidence);
  if (spec.pattern.global || spec.pattern.sticky) {
    throw new Error(`rule ${spec.id}: pattern must not be g or y`);
  }
  const re = spec.pattern;
  return {
    id: spec.id,
    name: spec.name,
    keywords: spec.keywords,
    ...(spec.minRun === undefined ? {} : { minRun: spec.minRun }),
    find: (text, out, where) => {
      const hit = (m: RegExpExecArray): void => {
        const span = m.indices?.groups?.["s"];
        const left = spec.extendLeft && leftEdge(text, span ? span[0] : m.index, spec.extendLeft);
        if (spec.extendLeft && left === undefined) return;
        const start = left ?? (span ? span[0] : m.index);
        const end = span ? span[1] : m.index + m[0].length;
        const level = verify(text.slice(start, end), text, start);
        if (level !== undefined) {
          out.push({ ruleId: spec.id, name: spec.name, start, end, confidence: level });
        }
      };
      for (const [from, end] of searchRanges(text, where)) {
        // The shared regex (no state) rules out most whole texts; only one with a match in range
        // pays for private copies.
        if (from === 0 && end === text.length && !re.test(text)) return;
        for (const m of matches(re, text, from, end)) hit(m);
      }
    },
  };
}

/** The rule a caller adds for a list of exact values (vault secrets for the egress scan). */
export function knownSecretRule(values: readonly string[]): Rule {
  const usable = values.filter((v) => v.length >= 4);
  return {
    id: "known-secret",
    name: "Known Secret",
    keywords: [],
    find: (text, out) => {
      for (const value of usable) {
        for (let i = text.indexOf(value); i !== -1; i = text.indexOf(value, i + value.length)) {
          out.push({
            ruleId: "known-secret",
            name: "Known Secret",
            start: i,
            end: i + value.length,
            confidence: "certain",
          });
        }
      }
    },
  };
}

/** One keyword occurrence. */
export interface KeywordMatch {
  readonly index: number;
  readonly length: number;
}

/** A keyword loop: `next` returns the next occurrence at or after `lastIndex`, then moves past it. */
export interface KeywordCursor {
  lastIndex: number;
  next(): KeywordMatch | null;
}

/**
 * Keyword occurrences for a `positional` rule, as an `exec` loop of the global `pattern` (whose
 * alternatives are exactly the rule's keywords) would find them in `text`, read from the
 * prefilter's offsets and lengths `at` (no search at all); without `at`, from the regex.
 */
export function keywordCursor(
  pattern: RegExp,
  text: string,
  at: readonly number[] | undefined,
): KeywordCursor {
  if (!at) {
    const re = new RegExp(pattern.source, `${pattern.flags.replace(/[gy]/g, "")}g`);
    return {
      get lastIndex() {
        return re.lastIndex;
      },
      set lastIndex(value) {
        re.lastIndex = value;
      },
      next() {
        const m = re.exec(text);
        return m && { index: m.index, length: m[0].length };
      },
    };
  }
  let k = 0;
  const cursor: KeywordCursor = {
    lastIndex: 0,
    next() {
      for (; k + 1 < at.length; k += 2) {
        const index = at[k] ?? 0;
        const length = at[k + 1] ?? 1;
        if (index < cursor.lastIndex) continue;
        k += 2;
        cursor.lastIndex = index + Math.max(1, length);
        return { index, length };
      }
      return null;
    },
  };
  return cursor;
}
