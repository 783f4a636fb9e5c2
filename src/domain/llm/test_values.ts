/** Inline payloads for the gateway's prompt-coverage tests. */

/** A PNG's signature and IHDR chunk, then pseudo-random bytes (what compressed image data looks like). */
export function pngBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  let s = 7;
  for (let i = 16; i < size; i++) bytes[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return bytes;
}
