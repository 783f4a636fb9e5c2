/**
 * Scanning one string: normalise, decode (bounded), run the prefiltered rules on every view, map
 * hits back to the original string and keep the best hit per overlapping region.
 */
import { type Budget, decodedViews, type View } from "./decode.ts";
import { acceptValue, type KeyKind } from "./keyed.ts";
import { normalise } from "./normalise.ts";
import { mapSpan } from "./offsets.ts";
import { type KeywordIndex, selectRules } from "./prefilter.ts";
import type { Hit, Rule } from "./rule.ts";
import type { Confidence } from "./types.ts";

/** A hit in original-string coordinates, with the (normalised, decoded) secret it matched. */
export interface LeafHit {
  readonly ruleId: string;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly confidence: Confidence;
  readonly secret: string;
}

export interface LeafResult {
  readonly hits: readonly LeafHit[];
  readonly hidden: boolean;
}

/** What the surrounding JSON says about a value: the credential kind of its key, or a JWK's `d`. */
export type KeyHint = { readonly kind: KeyKind } | { readonly jwk: true };

export interface LeafContext {
  readonly index: KeywordIndex;
  readonly extraRules: readonly Rule[];
  /** Whether to run the decode pass (off for concatenation windows). */
  readonly decode: boolean;
}

const CONFIDENCE_RANK: Readonly<Record<Confidence, number>> = { certain: 3, high: 2, low: 1 };

function priority(h: LeafHit): number {
  const base = h.ruleId === "known-secret"
    ? 3
    : h.ruleId === "high-entropy-token"
    ? 0
    : h.ruleId.startsWith("generic-")
    ? 1
    : 2;
  return base * 10 + CONFIDENCE_RANK[h.confidence];
}

/** Whether `h` overlaps a kept hit; `kept` is sorted by start and its hits never overlap. */
function overlapsKept(kept: readonly LeafHit[], h: LeafHit): boolean {
  let lo = 0;
  let hi = kept.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((kept[mid]?.start ?? 0) < h.end) lo = mid + 1;
    else hi = mid;
  }
  const before = kept[lo - 1]; // the last kept hit starting before h ends
  return before !== undefined && before.end > h.start;
}

/** Keeps the highest-priority hit of every overlapping group, in original order (O(n log n)). */
export function bestHits(hits: readonly LeafHit[]): LeafHit[] {
  if (hits.length <= 1) return [...hits];
  const ranked = [...hits].sort((a, b) => priority(b) - priority(a) || (b.end - b.start) - (a.end - a.start));
  const kept: LeafHit[] = [];
  for (const h of ranked) {
    if (overlapsKept(kept, h)) continue;
    let at = kept.length;
    while (at > 0 && (kept[at - 1]?.start ?? 0) > h.start) at--;
    kept.splice(at, 0, h);
  }
  return kept;
}

/** Runs the rules the prefilter selects (and the extra ones) on `view`. */
function runRules(view: View, ctx: LeafContext, out: LeafHit[]): void {
  const selected = selectRules(ctx.index, view.text);
  const raw: Hit[] = [];
  selected.ids.forEach((r, k) => ctx.index.rules[r]?.find(view.text, raw, selected.wheres[k]));
  for (const rule of ctx.extraRules) rule.find(view.text, raw);
  for (const h of raw) {
    const [start, end] = view.map(h.start, h.end);
    out.push({
      ruleId: h.ruleId,
      name: h.name,
      start,
      end,
      confidence: h.confidence,
      secret: view.text.slice(h.start, h.end),
    });
  }
}

function hintHit(hint: KeyHint, text: string, length: number): LeafHit | undefined {
  if ("jwk" in hint) {
    return /^[A-Za-z0-9_-]{20,}$/.test(text)
      ? {
        ruleId: "jwk-private-key",
        name: "JSON Web Key (private)",
        start: 0,
        end: length,
        confidence: "high",
        secret: text,
      }
      : undefined;
  }
  const confidence = acceptValue(hint.kind, "strong", text);
  if (!confidence) return undefined;
  const [ruleId, name] = hint.kind === "password"
    ? ["generic-password-field", "Password"]
    : ["generic-secret-field", "Generic Secret"];
  return { ruleId, name, start: 0, end: length, confidence, secret: text };
}

export function scanLeaf(original: string, ctx: LeafContext, hint?: KeyHint): LeafResult {
  const n = normalise(original);
  const { regions } = n;
  const root: View = {
    text: n.text,
    depth: 0,
    map: regions ? (s, e) => mapSpan(regions, s, e) : (s, e) => [s, e],
  };
  const hits: LeafHit[] = [];
  const budget: Budget = { remaining: original.length * 4 };
  for (const view of ctx.decode ? [root, ...decodedViews(root, budget)] : [root]) runRules(view, ctx, hits);
  const keyed = hint && hintHit(hint, n.text.trim(), original.length);
  if (keyed) hits.push(keyed);
  return { hits: bestHits(hits), hidden: n.hidden };
}
