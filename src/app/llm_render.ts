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
import { type ScanOptions, scanText } from "@domain/scanner/mod.ts";

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
 * resolved for a fallback is covered too).
 */
export function secretFinder(scan: ScanOptions, knownValues: readonly string[]): FindSecrets {
  return (text) => {
    if (text === "") return [];
    const result = scanText(text, "output", { ...scan, knownSecrets: knownValues });
    return result.findings.map((f) => ({ start: f.start, end: f.end, detectorId: f.detectorId }));
  };
}
