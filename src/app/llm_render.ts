import {
  anthropicFrame,
  createGeminiChunkEncoder,
  createOpenAiChunkEncoder,
  type Dialect,
  encodeGeminiResponse,
  encodeOpenAiResponse,
  type FindSecrets,
  type LlmMessage,
  sseFrame,
  type StreamEvent,
} from "@domain/llm/mod.ts";
import { createScanner, type Scanner, type ScanOptions } from "@domain/scanner/mod.ts";
import type { Secret } from "@shared/secret.ts";

/** The caller's dialect on the way out (whole answers and SSE frames), and the egress secret finder. */
export function renderMessage(dialect: Dialect, message: LlmMessage, created: number): unknown {
  switch (dialect) {
    case "anthropic":
      return message;
    case "openai":
      return encodeOpenAiResponse(message, created);
    case "gemini":
      return encodeGeminiResponse(message);
    default: {
      const never: never = dialect;
      return never;
    }
  }
}

/** Canonical event → the bytes of its SSE frames in the caller's dialect ("" for none). */
export function createFrameEncoder(
  dialect: Dialect,
  options: { created: number; includeUsage: boolean },
): (event: StreamEvent) => string {
  switch (dialect) {
    case "anthropic":
      return anthropicFrame;
    case "openai": {
      const encoder = createOpenAiChunkEncoder(options.created, options.includeUsage);
      return (event) => encoder.push(event).map((data) => sseFrame(data)).join("");
    }
    case "gemini": {
      const encoder = createGeminiChunkEncoder();
      return (event) => encoder.push(event).map((data) => sseFrame(data)).join("");
    }
    default: {
      const never: never = dialect;
      return never;
    }
  }
}

/**
 * Detected secrets plus this call's known values (its provider keys, read when asked, so a key
 * resolved for a fallback is covered too). The scanner is compiled when the keys change, not per
 * text: a stream is scanned chunk by chunk.
 */
export function secretFinder(scan: ScanOptions, keys: readonly Secret[]): FindSecrets {
  let scanner: Scanner | undefined;
  let covers = -1;
  return (text) => {
    if (text === "") return [];
    if (scanner === undefined || covers !== keys.length) {
      scanner = scannerFor(scan, keys);
      covers = keys.length;
    }
    const result = scanner.scanText(text, "output");
    return result.findings.map((f) => ({ start: f.start, end: f.end, detectorId: f.detectorId }));
  };
}

/**
 * Compiled egress scanners for no key and for each single provider key, per scan options. Keyed by
 * the key's `Secret` (which llm_keys.ts keeps for a couple of seconds and then lets go), so a key's
 * compiled forms live no longer than the key itself; several keys at once are compiled per call.
 */
const compiled = new WeakMap<
  ScanOptions,
  { readonly bare: Scanner; readonly byKey: WeakMap<Secret, Scanner> }
>();

function scannerFor(scan: ScanOptions, keys: readonly Secret[]): Scanner {
  let entry = compiled.get(scan);
  if (!entry) compiled.set(scan, entry = { bare: createScanner(scan), byKey: new WeakMap() });
  const [key] = keys;
  if (keys.length === 0 || key === undefined) return entry.bare;
  if (keys.length > 1) return createScanner({ ...scan, knownSecrets: keys.map((k) => k.reveal()) });
  let scanner = entry.byKey.get(key);
  if (!scanner) entry.byKey.set(key, scanner = createScanner({ ...scan, knownSecrets: [key.reveal()] }));
  return scanner;
}
