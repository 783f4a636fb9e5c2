/**
 * `stages.secret_scan` in `services/governance/config.yaml`: what a finding does by confidence,
 * per-detector overrides and deployment-specific `extra_patterns`.
 *
 * ```yaml
 * secret_scan:
 *   low_confidence: deny        # deny (default) | log: entropy-only findings
 *   detectors:                  # per detector id: deny | log | off
 *     high-entropy-token: log
 *   extra_patterns:
 *     - { name: Acme API key, prefix: "acme_" }
 *     - { name: Internal token, regex: "itk_[0-9a-f]{32}" }
 * ```
 * `certain` and `high` findings deny unless a detector override says otherwise. A `regex` must be
 * linear-time safe: every quantifier bounded (`?`, `{m}`, `{m,n}` with n ≤ 1024; no `*`, `+`,
 * `{m,}`), no repeated group (`(…){m,n}`; an optional `(…)?` is fine), no lookaround or
 * backreference; it must compile.
 */
import { z } from "zod";

const MAX_REPEAT = 1024;

type Previous = "none" | "atom" | "group" | "quantifier";

/** The bound problem of a `{…}` quantifier at `source[i]`, its length, or neither for a literal `{`. */
function braces(source: string, i: number): { reason?: string; length: number } | undefined {
  const m = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i, i + 16));
  if (!m) return undefined;
  if (m[2] === "") return { reason: "unbounded quantifier {m,}: give an upper bound", length: m[0].length };
  if (Number(m[2] ?? m[1]) > MAX_REPEAT) {
    return { reason: `repeat bound above ${MAX_REPEAT}`, length: m[0].length };
  }
  return { length: m[0].length };
}

function compiles(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return `does not compile: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Why `source` is not a safe extra pattern, or `undefined` when it is (a one-pass tokenizer). */
export function unsafeRegexReason(source: string): string | undefined {
  if (source.length > 512) return "longer than 512 characters";
  const compileError = compiles(source);
  if (compileError) return compileError;
  let inClass = false;
  let previous: Previous = "none";
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (inClass) {
      if (c === "\\") i++;
      else if (c === "]") (inClass = false), (previous = "atom");
      continue;
    }
    if (c === "\\") {
      if (/[1-9k]/.test(source[i + 1] ?? "")) return "backreferences are not allowed";
      i++;
      previous = "atom";
    } else if (c === "[") inClass = true;
    else if (c === "(") {
      if (source[i + 1] === "?" && source[i + 2] !== ":") {
        return "lookarounds and named groups are not allowed";
      }
      if (source[i + 1] === "?") i += 2;
      previous = "none";
    } else if (c === ")") previous = "group";
    else if (c === "*" || c === "+") return `unbounded quantifier "${c}": use {m,n} with n ≤ ${MAX_REPEAT}`;
    else if (c === "?") previous = "quantifier";
    else if (c === "{" && braces(source, i)) {
      const q = braces(source, i);
      if (previous === "group") {
        return "a repeated group can backtrack exponentially: repeat characters or classes";
      }
      if (q?.reason) return q.reason;
      i += (q?.length ?? 1) - 1;
      previous = "quantifier";
    } else previous = c === "|" ? "none" : "atom";
  }
  return undefined;
}

const extraPattern = z.strictObject({
  name: z.string().min(1).max(80),
  prefix: z.string().min(3).max(64).regex(/^\S+$/, "no whitespace").optional(),
  regex: z.string().min(1).superRefine((source, ctx) => {
    const reason = unsafeRegexReason(source);
    if (reason) ctx.addIssue({ code: "custom", message: `unsafe regex: ${reason}` });
  }).optional(),
}).refine((p) => (p.prefix === undefined) !== (p.regex === undefined), "give exactly one of prefix or regex");

export const secretScanSettings = z.strictObject({
  enabled: z.boolean().default(true),
  /** What a `low`-confidence (entropy-only) finding does. */
  low_confidence: z.enum(["deny", "log"]).default("deny"),
  /** Per detector id (`high-entropy-token`, `custom-pattern`, …). */
  detectors: z.record(
    z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "expected a detector id such as high-entropy-token"),
    z.enum(["deny", "log", "off"]),
  ).default({}),
  extra_patterns: z.array(extraPattern).max(64).default([]),
}).prefault({});

export type SecretScanSettings = z.infer<typeof secretScanSettings>;
