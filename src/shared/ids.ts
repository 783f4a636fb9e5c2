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

/** UUID version 7: a millisecond timestamp prefix keeps ids ordered by creation. */
export function newUuidV7(nowMs: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let ts = BigInt(nowMs);
  for (let i = 5; i >= 0; i--) {
    bytes[i] = Number(ts & 0xffn);
    ts >>= 8n;
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
