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
  readonly find: (text: string, out: Hit[]) => void;
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
    find: (text, out) => {
      // The shared regex finds the first match without any state; only a text that has one pays
      // for a private global copy to look for more.
      let m = re.exec(text);
      const more = m && new RegExp(re.source, `${re.flags}g`);
      for (; m !== null && more; m = more.exec(text)) {
        more.lastIndex = m.index + Math.max(1, m[0].length);
        const span = m.indices?.groups?.["s"];
        const left = spec.extendLeft && leftEdge(text, span ? span[0] : m.index, spec.extendLeft);
        if (spec.extendLeft && left === undefined) continue;
        const start = left ?? (span ? span[0] : m.index);
        const end = span ? span[1] : m.index + m[0].length;
        const level = verify(text.slice(start, end), text, start);
        if (level !== undefined) {
          out.push({ ruleId: spec.id, name: spec.name, start, end, confidence: level });
        }
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
