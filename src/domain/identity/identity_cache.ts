import type { SessionId, UserId } from "@shared/ids.ts";
import type { ApiKeyPrefix, StoredApiKey } from "./api_keys.ts";
import type { User } from "./user.ts";
import type { SessionState } from "./user_repo.ts";

/** The live facts authentication reads on every call. */
export interface IdentitySource {
  findUser(id: UserId): Promise<User | undefined>;
  findSession(id: SessionId): Promise<SessionState | undefined>;
  findApiKey(prefix: ApiKeyPrefix): Promise<StoredApiKey | undefined>;
}

export interface IdentityCacheOptions {
  /** How long an entry may be served without a change notification (at most 30 s). */
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly nowMs?: () => number;
}

interface Entry<T> {
  readonly value: T;
  readonly owner: UserId;
  readonly until: number;
}

export const IDENTITY_CACHE_TTL_MS = 30_000;
const DEFAULT_MAX_ENTRIES = 20_000;

/**
 * A per-process cache in front of an IdentitySource. Entries are tagged with the user they belong
 * to; `invalidateUser` (called on `NOTIFY sp_identity, 'user:<id>'` and after local changes) drops
 * all of a user's entries at once. Misses are not cached, so a new session or key works at once.
 * A fill that started before an invalidation is not stored, so a change is never undone by a
 * lookup that was already in flight.
 */
export class IdentityCache implements IdentitySource {
  readonly #source: IdentitySource;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #nowMs: () => number;
  readonly #users = new Map<UserId, Entry<User>>();
  readonly #sessions = new Map<SessionId, Entry<SessionState>>();
  readonly #keys = new Map<ApiKeyPrefix, Entry<StoredApiKey>>();
  #generation = 0;

  constructor(source: IdentitySource, options: IdentityCacheOptions = {}) {
    this.#source = source;
    this.#ttlMs = Math.min(options.ttlMs ?? IDENTITY_CACHE_TTL_MS, IDENTITY_CACHE_TTL_MS);
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  findUser(id: UserId): Promise<User | undefined> {
    return this.#cached(this.#users, id, () => this.#source.findUser(id), (u) => u.id);
  }

  findSession(id: SessionId): Promise<SessionState | undefined> {
    return this.#cached(this.#sessions, id, () => this.#source.findSession(id), (s) => s.userId);
  }

  findApiKey(prefix: ApiKeyPrefix): Promise<StoredApiKey | undefined> {
    return this.#cached(this.#keys, prefix, () => this.#source.findApiKey(prefix), (k) => k.userId);
  }

  invalidateUser(id: UserId): void {
    this.#generation++;
    for (const map of this.#maps()) {
      for (const [key, entry] of map) if (entry.owner === id) map.delete(key);
    }
  }

  clear(): void {
    this.#generation++;
    for (const map of this.#maps()) map.clear();
  }

  get size(): number {
    return this.#users.size + this.#sessions.size + this.#keys.size;
  }

  #maps(): Map<string, Entry<unknown>>[] {
    return [this.#users, this.#sessions, this.#keys];
  }

  async #cached<K extends string, T>(
    map: Map<K, Entry<T>>,
    key: K,
    load: () => Promise<T | undefined>,
    owner: (value: T) => UserId,
  ): Promise<T | undefined> {
    const now = this.#nowMs();
    const hit = map.get(key);
    if (hit && hit.until > now) return hit.value;
    if (hit) map.delete(key);
    const generation = this.#generation;
    const value = await load();
    if (value === undefined || generation !== this.#generation) return value;
    if (map.size >= this.#maxEntries) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
    map.set(key, { value, owner: owner(value), until: now + this.#ttlMs });
    return value;
  }
}

/** `user:<id>` invalidates one user; `keys` means the signing keys changed; anything else: all. */
export type IdentityEvent =
  | { readonly kind: "user"; readonly userId: UserId }
  | { readonly kind: "keys" }
  | { readonly kind: "all" };

export const IDENTITY_CHANNEL = "sp_identity";

export function parseIdentityEvent(payload: string): IdentityEvent {
  if (payload === "keys") return { kind: "keys" };
  const match = /^user:([0-9a-f-]{36})$/.exec(payload);
  return match ? { kind: "user", userId: match[1] as UserId } : { kind: "all" };
}
