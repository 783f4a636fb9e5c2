/**
 * Egress redaction (tool results, model responses): every detected secret and every known vault
 * secret (verbatim or base64) is replaced by `[REDACTED:<detector>]`. Unlike `scanJson`, every
 * occurrence is replaced, and a subtree deeper than `maxDepth` is replaced whole (fail closed).
 * Encoded secrets (base64, hex…) are redacted together with the run that carried them.
 */
import { optionRules } from "./extra.ts";
import { classifyKey } from "./keyed.ts";
import { type KeyHint, type LeafContext, scanLeaf } from "./leaf.ts";
import { RULE_INDEX } from "./rules.ts";
import type { ScanOptions } from "./types.ts";

const DEFAULT_MAX_DEPTH = 64;
const UNSCANNABLE = "[REDACTED:unscannable]";

function redactString(text: string, ctx: LeafContext, hint?: KeyHint): string {
  const { hits } = scanLeaf(text, ctx, hint);
  if (hits.length === 0) return text;
  let out = "";
  let last = 0;
  for (const h of hits) {
    out += `${text.slice(last, h.start)}[REDACTED:${h.ruleId}]`;
    last = h.end;
  }
  return out + text.slice(last);
}

function redactValue(
  value: unknown,
  ctx: LeafContext,
  depth: number,
  maxDepth: number,
  hint?: KeyHint,
): unknown {
  if (typeof value === "string") return redactString(value, ctx, hint);
  if (value === null || typeof value !== "object") return value;
  if (depth >= maxDepth) return UNSCANNABLE;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, ctx, depth + 1, maxDepth));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const kind = classifyKey(key);
    out[redactString(key, ctx)] = redactValue(v, ctx, depth + 1, maxDepth, kind ? { kind } : undefined);
  }
  return out;
}

function context(options: ScanOptions): LeafContext {
  return { index: RULE_INDEX, extraRules: optionRules(options), decode: true };
}

/** `text` with every secret replaced by `[REDACTED:<detector>]`. */
export function redactText(text: string, options: ScanOptions): string {
  return redactString(text, context(options));
}

/** A copy of a JSON value with secrets redacted in every string and key. */
export function redactJson(value: unknown, options: ScanOptions): unknown {
  return redactValue(value, context(options), 0, options.maxDepth ?? DEFAULT_MAX_DEPTH);
}
