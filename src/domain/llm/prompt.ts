import { inlineText } from "./inline_data.ts";
import type { Candidate } from "./routing.ts";
import type { LlmRequest } from "./types.ts";
import { buildUpstreamCall, type CallerWire } from "./upstream.ts";

/**
 * What governance scans: every string the upstream would see (every string leaf and object key of
 * the exact body we send, tool schemas and tool results included), joined by newlines. Inline
 * payloads (base64 `data` of images, documents and audio, OpenAI's `file_data`, `data:` URLs) are
 * read for what they carry (`inlineText`): a media file is skipped, base64 of text is read decoded,
 * anything else is read as sent. A body nested deeper than the scanner reads is reported `cut` (the
 * caller denies it: what was not read cannot be allowed).
 */
const STRUCTURAL_KEYS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "role",
  "content",
  "type",
  "text",
  "system",
  "tools",
  "name",
  "description",
  "input_schema",
  "parameters",
  "properties",
  "required",
  "tool_use_id",
  "tool_call_id",
  "tool_calls",
  "id",
  "function",
  "arguments",
  "input",
  "max_tokens",
  "stream",
]);

export interface Prompt {
  readonly text: string;
  /** Part of the body lies deeper than `MAX_DEPTH`: it was not read. */
  readonly cut: boolean;
}

/** As deep as the secret scanner reads JSON. */
export const MAX_DEPTH = 64;

export function readPrompt(body: unknown): Prompt {
  const walk = { out: [] as string[], cut: false };
  collect(body, walk, 0);
  return { text: walk.out.join("\n"), cut: walk.cut };
}

/**
 * What a routed call's upstreams would see: the primary's body and, for each other wire among the
 * fallbacks, that wire's body too (a fallback that takes the caller's own body carries fields a
 * translated primary body drops), the model a Gemini upstream gets in its URL, and the caller's
 * `anthropic-beta` header where it is forwarded. `primaryChars` is the primary body's share, for
 * the cost estimate.
 */
export function routePrompt(
  request: LlmRequest,
  candidates: readonly Candidate[],
  caller: CallerWire,
): Prompt & { readonly primaryChars: number } {
  const wires = new Set<string>();
  const parts: Prompt[] = [];
  let primaryChars: number | undefined;
  for (const candidate of candidates) {
    // Gemini names the model in the URL (the caller's own name where the route does not rename it).
    if (candidate.provider.wire === "gemini") parts.push({ text: candidate.upstreamModel, cut: false });
    if (wires.has(candidate.provider.wire)) continue;
    wires.add(candidate.provider.wire);
    const body = readPrompt(buildUpstreamCall(request, candidate, caller, undefined).body);
    primaryChars ??= body.text.length;
    parts.push(body);
  }
  // The one header of the caller's that reaches an upstream (its own wire only: `anthropic-beta`).
  if (caller.dialect === "anthropic" && caller.anthropicBeta && wires.has("anthropic")) {
    parts.push({ text: caller.anthropicBeta, cut: false });
  }
  return {
    text: parts.map((p) => p.text).join("\n"),
    cut: parts.some((p) => p.cut),
    primaryChars: primaryChars ?? 0,
  };
}

/** `readPrompt(body).text`. */
export function promptText(body: unknown): string {
  return readPrompt(body).text;
}

function collect(value: unknown, walk: { out: string[]; cut: boolean }, depth: number): void {
  if (depth > MAX_DEPTH) {
    walk.cut = true;
    return;
  }
  if (typeof value === "string") {
    if (DATA_URL.test(value)) pushInline(walk.out, value);
    else walk.out.push(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, walk, depth + 1);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const record = value as Record<string, unknown>;
  const inline = record["type"] === "base64" || "mimeType" in record || "mime_type" in record ||
    "format" in record;
  for (const [key, v] of Object.entries(record)) {
    if (!STRUCTURAL_KEYS.has(key)) walk.out.push(key);
    if (((inline && key === "data") || key === "file_data") && typeof v === "string") pushInline(walk.out, v);
    else collect(v, walk, depth + 1);
  }
}

const DATA_URL = /^data:[^,]{0,100};base64,/;

/** An inline payload (bare base64 or a `data:` URL) as `inlineText` reads it. */
function pushInline(out: string[], payload: string): void {
  const url = DATA_URL.exec(payload);
  const carried = inlineText(url ? payload.slice(url[0].length) : payload);
  if (carried !== undefined) out.push(carried);
}
