import type { Block, LlmMessage, StreamEvent } from "./types.ts";

/**
 * Egress redaction of model output: detected secrets (and the provider's own key, registered as
 * a known value) are replaced by `[REDACTED:<detector>]` in text, tool inputs and thinking. Streams
 * are redacted incrementally: each text, thinking or tool-input block holds back the word still arriving (and a PEM block until its END line)
 * and rescans the last sent characters as look-behind context, so a secret split across chunks is
 * still seen whole; only text that can no longer be part of a secret is released.
 */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
  readonly detectorId: string;
}

/** The scanner as redaction needs it (the app binds the scanner domain with the known values). */
export type FindSecrets = (text: string) => readonly SecretSpan[];

/** Unsent text kept back when a single run of non-space characters grows past `TOKEN_HOLD_LIMIT`. */
export const LOOK_BEHIND = 256;
const TOKEN_HOLD_LIMIT = 4096;
/** Sent text scanned again as context for the next piece. */
const CONTEXT_CHARS = 128;
/** A PEM block is held back until its END line arrives, up to this many characters. */
const PEM_HOLD_LIMIT = 16 * 1024;

export function redactText(text: string, find: FindSecrets, spans = find(text)): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const s of sorted) {
    if (s.end <= at) continue;
    out += text.slice(at, Math.max(at, s.start)) + `[REDACTED:${s.detectorId}]`;
    at = s.end;
  }
  return out + text.slice(at);
}

export function redactMessage(message: LlmMessage, find: FindSecrets): LlmMessage {
  return { ...message, content: message.content.map((b) => redactBlock(b, find)) };
}

function redactBlock(block: Block, find: FindSecrets): Block {
  if (block.type === "text") return { ...block, text: redactText(block.text, find) };
  // A redacted thought no longer matches its signature, so a client that sends it back is refused
  // by the provider: the conversation stops rather than carry the secret on.
  if (block.type === "thinking") return { ...block, thinking: redactText(block.thinking, find) };
  if (block.type === "tool_use") return { ...block, input: redactLeaves(block.input, find) };
  return block;
}

function redactLeaves(value: unknown, find: FindSecrets): unknown {
  if (typeof value === "string") return redactText(value, find);
  if (Array.isArray(value)) return value.map((v) => redactLeaves(v, find));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redactText(k, find), redactLeaves(v, find)]),
    );
  }
  return value;
}

interface Pending {
  kind: "text_delta" | "input_json_delta" | "thinking_delta";
  /** Received, not yet sent. */
  text: string;
  /** The last sent characters: scanned again as context (never re-sent) so keyed rules still match. */
  context: string;
}

/** A stateful filter over canonical events; `push` returns what may be sent now. */
export function createStreamRedactor(find: FindSecrets): { push(event: StreamEvent): StreamEvent[] } {
  const pending = new Map<number, Pending>();
  const flush = (index: number): StreamEvent[] => {
    const p = pending.get(index);
    pending.delete(index);
    if (!p || p.text === "") return [];
    return [delta(index, p.kind, redactText(p.text, find, spansIn(p, find)))];
  };
  return {
    push(event) {
      if (event.type === "content_block_delta") {
        const d = event.delta;
        if (d.type === "signature_delta") return [event];
        const text = d.type === "text_delta"
          ? d.text
          : d.type === "thinking_delta"
          ? d.thinking
          : d.partial_json;
        const p = pending.get(event.index) ?? { kind: d.type, text: "", context: "" };
        p.text += text;
        pending.set(event.index, p);
        return release(event.index, p, find);
      }
      if (event.type === "content_block_stop") return [...flush(event.index), event];
      if (event.type === "message_delta" || event.type === "message_stop" || event.type === "error") {
        return [...[...pending.keys()].flatMap(flush), event];
      }
      return [event];
    },
  };
}

/** Findings over context + unsent text, in unsent-text offsets (clipped at its start). */
function spansIn(p: Pending, find: FindSecrets): SecretSpan[] {
  const offset = p.context.length;
  return find(p.context + p.text)
    .filter((s) => s.end > offset)
    .map((s) => ({ ...s, start: Math.max(0, s.start - offset), end: s.end - offset }));
}

/**
 * Sends everything up to the trailing run of non-space characters (a secret still arriving is
 * such a run), or all but the look-behind when that run is very long; a PEM block waits for its
 * END line; no finding is ever split.
 */
function release(index: number, p: Pending, find: FindSecrets): StreamEvent[] {
  const spans = spansIn(p, find);
  const tail = trailingRun(p.text);
  let cut = tail > TOKEN_HOLD_LIMIT ? p.text.length - LOOK_BEHIND : p.text.length - tail;
  const pem = p.text.lastIndexOf("-----BEGIN");
  const pemOpen = pem >= 0 && !/-----END[^-\n]*-----/.test(p.text.slice(pem));
  if (pemOpen && p.text.length - pem < PEM_HOLD_LIMIT) cut = Math.min(cut, pem);
  // Never split a finding: move the cut before any span that straddles it (spans may overlap).
  for (let moved = true; moved;) {
    moved = false;
    for (const s of spans) {
      if (s.start < cut && s.end > cut) {
        cut = s.start;
        moved = true;
      }
    }
  }
  if (cut <= 0) return [];
  const head = p.text.slice(0, cut);
  p.text = p.text.slice(cut);
  p.context = (p.context + head).slice(-CONTEXT_CHARS);
  return [delta(index, p.kind, redactText(head, find, spans.filter((s) => s.end <= cut)))];
}

/**
 * Length of the run of non-whitespace characters (as `\S`) ending `text`, walked backwards: `/\S*$/`
 * retries from every start, quadratic in a long run that a space and more text follow.
 */
function trailingRun(text: string): number {
  let i = text.length;
  while (i > 0 && !isSpace(text.charCodeAt(i - 1))) i--;
  return text.length - i;
}

const isSpace = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(String.fromCharCode(c)));

function delta(index: number, kind: Pending["kind"], text: string): StreamEvent {
  switch (kind) {
    case "text_delta":
      return { type: "content_block_delta", index, delta: { type: "text_delta", text } };
    case "thinking_delta":
      return { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: text } };
    case "input_json_delta":
      return { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: text } };
  }
}
