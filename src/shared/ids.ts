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

const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef");
/** Random bytes drawn a page at a time: one `getRandomValues` per 512 ids, not one per id. */
const POOL = new Uint8Array(4096);
let poolAt = POOL.length;

function randomTen(): number {
  if (poolAt + 10 > POOL.length) {
    crypto.getRandomValues(POOL);
    poolAt = 0;
  }
  const start = poolAt;
  poolAt += 10;
  return start;
}

/** An id's characters, written in place and read out as one string (~60 bytes an id, not ~640). */
const DASHED = new Uint8Array(36);
const PLAIN = new Uint8Array(32);
const LATIN1 = new TextDecoder("latin1");
const DASH = 0x2d;

/**
 * UUID version 7: a 48-bit millisecond timestamp prefix keeps ids ordered by creation, then the
 * version and variant bits around 74 random bits (RFC 9562 §5.7). Each pooled random byte is used
 * once; no BigInt.
 */
export function newUuidV7(nowMs: number = Date.now()): string {
  return LATIN1.decode(writeUuidV7(DASHED, nowMs));
}

let text: Uint8Array = DASHED;
let at = 0;

function hex(byte: number): void {
  text[at++] = HEX_DIGITS[byte >>> 4]!;
  text[at++] = HEX_DIGITS[byte & 0x0f]!;
}

function dash(): void {
  if (text === DASHED) text[at++] = DASH;
}

/** The UUID's 16 bytes as hex into `into` (DASHED: with the four dashes; PLAIN: without). */
function writeUuidV7(into: Uint8Array, nowMs: number): Uint8Array {
  const ms = Math.max(0, Math.floor(nowMs));
  const high = Math.floor(ms / 0x1000000) % 0x1000000; // upper 24 bits of the 48
  const low = ms % 0x1000000; // lower 24 bits
  const r = randomTen();
  const p = POOL;
  text = into;
  at = 0;
  hex((high >>> 16) & 0xff);
  hex((high >>> 8) & 0xff);
  hex(high & 0xff);
  hex((low >>> 16) & 0xff);
  dash();
  hex((low >>> 8) & 0xff);
  hex(low & 0xff);
  dash();
  hex((p[r]! & 0x0f) | 0x70);
  hex(p[r + 1]!);
  dash();
  hex((p[r + 2]! & 0x3f) | 0x80);
  hex(p[r + 3]!);
  dash();
  for (let i = 4; i < 10; i++) hex(p[r + i]!);
  return into;
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
  return LATIN1.decode(writeUuidV7(PLAIN, nowMs ?? Date.now())) as TraceId;
}

export function newRequestId(nowMs?: number): RequestId {
  return newUuidV7(nowMs) as RequestId;
}
