/**
 * Decoders that give up early: base64/base64url and hex to text, returning `undefined` as soon as
 * the bytes stop looking like printable UTF-8 (so binary blobs cost little and throw nothing).
 */

function base64Table(): Int8Array {
  const table = new Int8Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  table[45] = 62; // '-' (base64url)
  table[95] = 63; // '_' (base64url)
  return table;
}

const B64 = base64Table();
const MIN_TEXT = 8;

/**
 * Streaming validator: printable ASCII, tab/CR/LF and well-formed UTF-8, tolerating a few bad bytes.
 * Returns a per-byte predicate that turns false once the input is clearly not text.
 */
function textCheck(expectedLength: number): (b: number) => boolean {
  const allowed = 1 + Math.floor(expectedLength / 20);
  let bad = 0;
  let pending = 0;
  return (b) => {
    if (pending > 0) {
      if ((b & 0xc0) === 0x80) {
        pending--;
        return true;
      }
      pending = 0;
      bad++;
    }
    if ((b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13) return bad <= allowed;
    if (b >= 0xc2 && b <= 0xf4) pending = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : 1;
    else bad++;
    return bad <= allowed;
  };
}

function toText(bytes: Uint8Array, length: number): string | undefined {
  if (length < MIN_TEXT) return undefined;
  return new TextDecoder().decode(bytes.subarray(0, length));
}

/** Base64 or base64url (padding optional) to text, or `undefined` for binary or malformed input. */
export function decodeBase64(run: string): string | undefined {
  let length = run.length;
  while (length > 0 && run.charCodeAt(length - 1) === 61) length--; // trailing "="
  const size = Math.floor((length * 3) / 4);
  if (length % 4 === 1 || size < MIN_TEXT) return undefined;
  // Most runs (keys, hashes, ids) are binary once decoded and fail within a few bytes: validate
  // first, allocate and decode only what will become text.
  if (base64Bytes(run, length, undefined) < 0) return undefined;
  const out = new Uint8Array(size);
  return toText(out, base64Bytes(run, length, out));
}

/** Decodes `run[0, length)` into `out` (or only validates), or -1 for bad characters or binary. */
function base64Bytes(run: string, length: number, out: Uint8Array | undefined): number {
  const accept = textCheck(Math.floor((length * 3) / 4));
  let acc = 0, bits = 0, n = 0;
  for (let i = 0; i < length; i++) {
    const v = B64[run.charCodeAt(i)] ?? -1;
    if (v < 0) return -1;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      if (!accept(byte)) return -1;
      if (out) out[n] = byte;
      n++;
    }
  }
  return n;
}

const hexValue = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87);

/** Even-length hex to text, or `undefined` for digests and other binary. */
export function decodeHex(run: string): string | undefined {
  const out = new Uint8Array(run.length >> 1);
  const accept = textCheck(out.length);
  for (let i = 0; i < out.length; i++) {
    const byte = (hexValue(run.charCodeAt(2 * i)) << 4) | hexValue(run.charCodeAt(2 * i + 1));
    if (!accept(byte)) return undefined;
    out[i] = byte;
  }
  return toText(out, out.length);
}
