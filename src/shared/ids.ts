/**
 * Branded identifiers. Signatures take `UserId`, never a bare string; values enter through
 * `parseX` (validating) or `newX` (minting).
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, "UserId">;
export type SessionId = Brand<string, "SessionId">;
export type TraceId = Brand<string, "TraceId">;
export type RequestId = Brand<string, "RequestId">;
export type DecisionId = Brand<string, "DecisionId">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SESSION = /^sess_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACE = /^[A-Za-z0-9._:-]{1,128}$/;

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
/** Random bytes drawn a page at a time: one `getRandomValues` per 512 ids, not one per id. */
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;

function randomTen(): number {
  if (poolAt + 10 > POOL.length) {
    crypto.getRandomValues(POOL);
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += 10;
  return at;
}

/**
 * UUID version 7: a 48-bit millisecond timestamp prefix keeps ids ordered by creation, then the
 * version and variant bits around 74 random bits (RFC 9562 §5.7). Each pooled random byte is used
 * once; no BigInt.
 */
export function newUuidV7(nowMs: number = Date.now()): string {
  const ms = Math.max(0, Math.floor(nowMs));
  const high = Math.floor(ms / 0x1000000) % 0x1000000; // upper 24 bits of the 48
  const low = ms % 0x1000000; // lower 24 bits
  const r = randomTen();
  const p = POOL;
  const hexTs = HEX[(high >>> 16) & 0xff]! + HEX[(high >>> 8) & 0xff]! + HEX[high & 0xff]! +
    HEX[(low >>> 16) & 0xff]! + HEX[(low >>> 8) & 0xff]! + HEX[low & 0xff]!;
  return `${hexTs.slice(0, 8)}-${hexTs.slice(8)}-${HEX[(p[r]! & 0x0f) | 0x70]}${HEX[p[r + 1]!]}-` +
    `${HEX[(p[r + 2]! & 0x3f) | 0x80]}${HEX[p[r + 3]!]}-` +
    `${HEX[p[r + 4]!]}${HEX[p[r + 5]!]}${HEX[p[r + 6]!]}${HEX[p[r + 7]!]}${HEX[p[r + 8]!]}${HEX[p[r + 9]!]}`;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function parseUserId(value: string): UserId | undefined {
  return UUID.test(value) ? value as UserId : undefined;
}
export function newUserId(nowMs?: number): UserId {
  return newUuidV7(nowMs) as UserId;
}

export function parseSessionId(value: string): SessionId | undefined {
  return SESSION.test(value) ? value as SessionId : undefined;
}
export function newSessionId(nowMs?: number): SessionId {
  return `sess_${newUuidV7(nowMs)}` as SessionId;
}

/** Inbound trace ids are accepted when short and printable; anything else gets a fresh one. */
export function parseTraceId(value: string | null | undefined): TraceId | undefined {
  return value && TRACE.test(value) ? value as TraceId : undefined;
}
export function newTraceId(nowMs?: number): TraceId {
  return newUuidV7(nowMs).replaceAll("-", "") as TraceId;
}

export function newRequestId(nowMs?: number): RequestId {
  return newUuidV7(nowMs) as RequestId;
}
