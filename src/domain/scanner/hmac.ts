/**
 * HMAC-SHA-256 (RFC 2104 / FIPS 180-4) in plain TypeScript for findings' fingerprints: secrets are
 * short, so the cost is a few compressions, and the key's inner and outer pad states are computed
 * once per key (two compressions) instead of per secret. Equal to `createHmac("sha256", key)`
 * (`finding_test.ts` checks it against node:crypto).
 */

const K = Uint32Array.from([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** One compression of the 64-byte block at `bytes[at…]` into `state` (8 words), using `w` (64 words). */
function compress(state: Uint32Array, w: Uint32Array, bytes: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) {
    const j = at + 4 * i;
    w[i] = ((bytes[j] ?? 0) << 24) | ((bytes[j + 1] ?? 0) << 16) | ((bytes[j + 2] ?? 0) << 8) |
      (bytes[j + 3] ?? 0);
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] ?? 0;
    const y = w[i - 2] ?? 0;
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[i] = ((w[i - 16] ?? 0) + s0 + (w[i - 7] ?? 0) + s1) | 0;
  }
  let a = state[0] ?? 0, b = state[1] ?? 0, c = state[2] ?? 0, d = state[3] ?? 0;
  let e = state[4] ?? 0, f = state[5] ?? 0, g = state[6] ?? 0, h = state[7] ?? 0;
  for (let i = 0; i < 64; i++) {
    const t1 =
      (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (K[i] ?? 0) + (w[i] ?? 0)) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] ?? 0) + a;
  state[1] = (state[1] ?? 0) + b;
  state[2] = (state[2] ?? 0) + c;
  state[3] = (state[3] ?? 0) + d;
  state[4] = (state[4] ?? 0) + e;
  state[5] = (state[5] ?? 0) + f;
  state[6] = (state[6] ?? 0) + g;
  state[7] = (state[7] ?? 0) + h;
}

/** Scratch space of one keyed hasher (per `hmacSha256` call, never shared). */
interface Scratch {
  readonly w: Uint32Array;
  readonly state: Uint32Array;
  bytes: Uint8Array;
}

/**
 * Finishes a hash whose state `start` has absorbed `prefix` bytes (whole blocks) with the first
 * `length` bytes of `scratch.bytes` (which has room for the padding); the digest is left in
 * `scratch.state`.
 */
function finish(scratch: Scratch, start: Uint32Array, prefix: number, length: number): void {
  const { bytes, state, w } = scratch;
  state.set(start);
  const end = Math.ceil((length + 9) / 64) * 64;
  bytes.fill(0, length, end);
  bytes[length] = 0x80;
  const bits = (prefix + length) * 8;
  writeWord(bytes, end - 8, Math.floor(bits / 0x100000000));
  writeWord(bytes, end - 4, bits >>> 0);
  for (let at = 0; at < end; at += 64) compress(state, w, bytes, at);
}

function writeWord(bytes: Uint8Array, at: number, word: number): void {
  bytes[at] = word >>> 24;
  bytes[at + 1] = (word >>> 16) & 255;
  bytes[at + 2] = (word >>> 8) & 255;
  bytes[at + 3] = word & 255;
}

/** Writes `message` as UTF-8 into `scratch.bytes` (grown with room for padding); returns its length. */
function encode(scratch: Scratch, message: string, encoder: TextEncoder): number {
  if (scratch.bytes.length < message.length * 3 + 72) scratch.bytes = new Uint8Array(message.length * 3 + 72);
  let ascii = true;
  for (let i = 0; i < message.length && ascii; i++) {
    const c = message.charCodeAt(i);
    if (c < 128) scratch.bytes[i] = c;
    else ascii = false;
  }
  return ascii ? message.length : encoder.encodeInto(message, scratch.bytes).written;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function padState(block: Uint8Array, pad: number, w: Uint32Array): Uint32Array {
  const state = Uint32Array.from(IV);
  compress(state, w, block.map((b) => b ^ pad), 0);
  return state;
}

/** HMAC-SHA-256 under `key` as a function of the message (a string, UTF-8), hex. */
export function hmacSha256(key: Uint8Array): (message: string) => string {
  const scratch: Scratch = { w: new Uint32Array(64), state: new Uint32Array(8), bytes: new Uint8Array(256) };
  const block = new Uint8Array(64);
  if (key.length > 64) {
    scratch.bytes = new Uint8Array(key.length + 72);
    scratch.bytes.set(key);
    finish(scratch, Uint32Array.from(IV), 0, key.length);
    for (let i = 0; i < 8; i++) writeWord(block, 4 * i, scratch.state[i] ?? 0);
  } else block.set(key);
  const inner = padState(block, 0x36, scratch.w);
  const outer = padState(block, 0x5c, scratch.w);
  block.fill(0);
  const encoder = new TextEncoder();
  return (message) => {
    finish(scratch, inner, 64, encode(scratch, message, encoder));
    for (let i = 0; i < 8; i++) writeWord(scratch.bytes, 4 * i, scratch.state[i] ?? 0);
    finish(scratch, outer, 64, 32);
    let hex = "";
    for (let i = 0; i < 8; i++) {
      const word = scratch.state[i] ?? 0;
      hex += (HEX[word >>> 24] ?? "") + HEX[(word >>> 16) & 255] + HEX[(word >>> 8) & 255] + HEX[word & 255];
    }
    return hex;
  };
}
