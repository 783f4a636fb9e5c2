/**
 * Egress redaction (ARCHITECTURE §5 step 6): tool results are rewritten before they reach the
 * client. Detected secrets are replaced by the spans the scanner reports (known injected values are
 * removed by the vault's `KnownSecrets` first). Pure: the caller supplies the detector.
 */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
  readonly detectorId: string;
}

/** Replaces each span (overlaps merged) with `[REDACTED:<detector>]`. */
export function redactSpans(text: string, spans: readonly SecretSpan[]): string {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const span of sorted) {
    const start = Math.max(span.start, at);
    if (span.end <= start) continue;
    out += `${text.slice(at, start)}[REDACTED:${span.detectorId}]`;
    at = Math.min(span.end, text.length);
  }
  return out + text.slice(at);
}

/**
 * Applies `fn` to every string leaf of a JSON-like value. Binary payloads of image and audio
 * content (`data`, base64) are left alone: they are not text a model reads.
 */
export function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const binary = record["type"] === "image" || record["type"] === "audio" || "blob" in record;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(record)) {
    out[key] = binary && (key === "data" || key === "blob") ? v : mapStrings(v, fn);
  }
  return out;
}
