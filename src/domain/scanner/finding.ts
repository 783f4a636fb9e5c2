/** Turning a hit into a `Finding`: redacted preview and keyed fingerprint; the secret goes no further. */
import { hmacSha256 } from "./hmac.ts";
import type { LeafHit } from "./leaf.ts";
import { isHiddenCodePoint } from "./normalise.ts";
import type { Finding } from "./types.ts";

const REDACTED = "...[REDACTED]";
/** Nothing to drop and one character per code unit: the common case needs no code-point walk. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Drops hidden and control characters so a preview can go into a log line or a deny text. */
function visible(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x20 && cp !== 0x7f && !isHiddenCodePoint(cp) && !(cp >= 0x80 && cp < 0xa0)) out += ch;
  }
  return out;
}

/**
 * The first min(12, ⌊length/3⌋) characters of the value as sent (hidden characters removed), then
 * `...[REDACTED]`. Never more than a third of the value, never more than 12 characters.
 */
export function preview(asSent: string): string {
  if (PRINTABLE_ASCII.test(asSent)) {
    return asSent.slice(0, Math.min(12, Math.floor(asSent.length / 3))) + REDACTED;
  }
  const shown = visible(asSent);
  const chars = Array.from(shown);
  return chars.slice(0, Math.min(12, Math.floor(chars.length / 3))).join("") + REDACTED;
}

/** HMAC-SHA-256 of the secret under the deployment's key, hex. */
export function fingerprint(key: Uint8Array, secret: string): string {
  return hmacSha256(key)(secret);
}

/** `fingerprint` under one key, for many secrets (the key's pads are hashed once). */
export const fingerprinter: (key: Uint8Array) => (secret: string) => string = hmacSha256;

export function toFinding(hit: LeafHit, asSent: string, path: string, fingerprint: string): Finding {
  return {
    detectorId: hit.ruleId,
    name: hit.name,
    path,
    start: hit.start,
    end: hit.end,
    confidence: hit.confidence,
    preview: preview(asSent),
    fingerprint,
  };
}
