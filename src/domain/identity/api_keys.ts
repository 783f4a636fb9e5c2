import { timingSafeEqual } from "node:crypto";
import type { Brand, UserId } from "@shared/ids.ts";
import { Secret } from "@shared/secret.ts";

/**
 * Personal access tokens: `sp-live-<12 hex>.<52 hex>`. The 12-hex prefix is public (it names the
 * key in listings and is the lookup index); only the SHA-256 of the whole key is stored, and a
 * presented key is compared with it in constant time.
 */
export type ApiKeyPrefix = Brand<string, "ApiKeyPrefix">;

export interface ApiKey {
  readonly id: string;
  readonly userId: UserId;
  readonly email: string;
  readonly name: string;
  readonly prefix: ApiKeyPrefix;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
}

/** What authentication needs: the listing fields plus the stored digest. */
export interface StoredApiKey extends ApiKey {
  readonly keyHash: Uint8Array;
}

export type ApiKeyStatus = "active" | "revoked" | "expired";

const KEY_PATTERN = /^sp-live-([0-9a-f]{12})\.([0-9a-f]{52})$/;
const PREFIX_PATTERN = /^[0-9a-f]{12}$/;
export const API_KEY_MARKER = "sp-live-";

export function isApiKeyText(text: string): boolean {
  return text.startsWith(API_KEY_MARKER);
}

/** The prefix of a well-formed key, else undefined. */
export function parseApiKey(text: string): { readonly prefix: ApiKeyPrefix } | undefined {
  const match = KEY_PATTERN.exec(text);
  return match ? { prefix: match[1] as ApiKeyPrefix } : undefined;
}

/** Accepts `abcdef012345` or `sp-live-abcdef012345` (how listings show it). */
export function parseApiKeyPrefix(text: string): ApiKeyPrefix | undefined {
  const bare = text.startsWith(API_KEY_MARKER) ? text.slice(API_KEY_MARKER.length) : text;
  return PREFIX_PATTERN.test(bare) ? bare as ApiKeyPrefix : undefined;
}

export function generateApiKey(): { readonly key: Secret; readonly prefix: ApiKeyPrefix } {
  const prefix = hex(crypto.getRandomValues(new Uint8Array(6))) as ApiKeyPrefix;
  const secret = hex(crypto.getRandomValues(new Uint8Array(26)));
  return { key: new Secret(`${API_KEY_MARKER}${prefix}.${secret}`), prefix };
}

export async function hashApiKey(key: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
}

/** Digest of the presented key against the stored one, in constant time. */
export async function apiKeyMatches(presented: string, stored: Uint8Array): Promise<boolean> {
  const digest = await hashApiKey(presented);
  return digest.length === stored.length && timingSafeEqual(digest, stored);
}

export function apiKeyStatus(key: ApiKey, now: Date): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The wire and CLI shape of a key: never the secret, never the digest. */
export function apiKeyRecord(key: ApiKey, now: Date): Record<string, unknown> {
  return {
    prefix: key.prefix,
    name: key.name,
    user_id: key.userId,
    email: key.email,
    status: apiKeyStatus(key, now),
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
  };
}
