/**
 * What an inline payload (base64 `data` of an image, document or audio part, a `data:` URL's body)
 * carries, as governance reads it: nothing when it is base64 of a media file the providers take
 * (its first bytes are the signature of an image, PDF, audio or video format a provider takes:
 * PNG, JPEG, GIF, WebP, TIFF, PDF, WAV, MP3, AAC, FLAC, Ogg, AIFF, MP4/MOV/3GP/HEIC, WebM, AVI, FLV,
 * MPEG, WMV), the text it decodes to when it is base64 of UTF-8 text (a `.env` attached as a
 * text/plain document), and the payload as sent in every other case (not base64, or base64 of
 * anything else): fail closed, so a secret pasted into an image field is read like any other
 * string. What a real media file holds is not read: a secret hidden inside a picture on purpose is
 * beyond any text scanner.
 */
// Padding may only follow the alphabet (whitespace after each `=`): no character is matched by two
// quantifiers, so a near-miss of any length fails in linear time.
const BASE64 = /^[A-Za-z0-9+/\t\n\r ]*(?:=[\t\n\r ]*){0,2}$/;
const BASE64URL = /^[A-Za-z0-9_\t\n\r -]*(?:=[\t\n\r ]*){0,2}$/;
/** Base64 characters probed for binary content (3 KiB decoded). */
const PROBE = 4096;

export function inlineText(payload: string): string | undefined {
  const alphabet = BASE64.test(payload) ? "base64" : BASE64URL.test(payload) ? "base64url" : undefined;
  if (alphabet === undefined) return payload;
  const head = decode(probeOf(payload), alphabet);
  if (head === undefined) return payload;
  if (isMedia(head)) return undefined;
  if (!isText(head)) return payload;
  const whole = payload.length <= PROBE ? head : decode(payload, alphabet);
  return whole === undefined ? payload : new TextDecoder().decode(whole);
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
/** File signatures at offset 0 (`ftyp` sits at offset 4). */
const SIGNATURES: readonly (readonly number[])[] = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  ascii("GIF87a"),
  ascii("GIF89a"),
  ascii("RIFF"), // WebP, WAV, AVI
  ascii("%PDF-"),
  ascii("ID3"), // MP3 with tags
  ascii("fLaC"),
  ascii("OggS"),
  ascii("FORM"), // AIFF
  [0x1a, 0x45, 0xdf, 0xa3], // WebM, Matroska
  ascii("FLV"),
  [0x00, 0x00, 0x01, 0xba], // MPEG program stream
  [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11], // ASF (WMV, WMA)
  [0x49, 0x49, 0x2a, 0x00], // TIFF, little-endian
  [0x4d, 0x4d, 0x00, 0x2a], // TIFF, big-endian
];
const FTYP = ascii("ftyp"); // MP4, MOV, M4A, HEIC

function isMedia(bytes: Uint8Array): boolean {
  const at = (sig: readonly number[], offset: number) =>
    bytes.length >= offset + sig.length && sig.every((b, i) => bytes[offset + i] === b);
  if (SIGNATURES.some((sig) => at(sig, 0)) || at(FTYP, 4)) return true;
  // An MPEG audio frame (MP3 without tags, AAC in ADTS): 11 set sync bits.
  return bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0;
}

/** The first `PROBE` base64 characters (whitespace aside), cut at a 4-character group. */
function probeOf(payload: string): string {
  if (payload.length <= PROBE) return payload;
  const compact = payload.slice(0, PROBE * 2).replace(/\s+/g, "");
  return compact.slice(0, Math.min(PROBE, compact.length - (compact.length % 4)));
}

function decode(text: string, alphabet: "base64" | "base64url"): Uint8Array | undefined {
  try {
    return Uint8Array.fromBase64(text, { alphabet, lastChunkHandling: "loose" });
  } catch {
    return undefined;
  }
}

/** No control byte other than tab, newline, form feed and carriage return, and valid UTF-8 (a character cut at the end aside). */
function isText(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b < 9 || (b > 13 && b < 32) || b === 127 || b === 11) return false;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}
