import type { Db, Listener, Queryable } from "@infra/db/db.ts";
import type { Logger } from "@shared/logger.ts";
import { createApiKeyRepo } from "./api_key_repo.ts";
import {
  IDENTITY_CHANNEL,
  type IdentityCache,
  type IdentitySource,
  parseIdentityEvent,
} from "./identity_cache.ts";
import { createUserRepo } from "./user_repo.ts";

/** The uncached source: one query per lookup. */
export function createIdentitySource(q: Queryable): IdentitySource {
  const users = createUserRepo(q);
  const keys = createApiKeyRepo(q);
  return {
    findUser: (id) => users.findById(id),
    findSession: (id) => users.findSession(id),
    findApiKey: (prefix) => keys.findByPrefix(prefix),
  };
}

export interface IdentitySync {
  /** Stops listening and waits for a key reload in progress. */
  stop(): Promise<void>;
}

export interface IdentitySyncDeps {
  readonly db: Db;
  readonly cache: IdentityCache;
  readonly reloadKeys: () => Promise<void>;
  readonly log: Logger;
}

/**
 * LISTEN sp_identity: `user:<id>` drops that user's cached principal facts, `keys` reloads the JWT
 * key ring (a rotation by the CLI or another replica). Reloads run one at a time; a failed reload
 * is logged and the previous keys stay in force.
 */
export async function startIdentitySync(deps: IdentitySyncDeps): Promise<IdentitySync> {
  let reloading: Promise<void> = Promise.resolve();
  const listener: Listener = await deps.db.listen(IDENTITY_CHANNEL, (payload) => {
    const event = parseIdentityEvent(payload);
    switch (event.kind) {
      case "user":
        deps.cache.invalidateUser(event.userId);
        return;
      case "all":
        deps.cache.clear();
        return;
      case "keys":
        reloading = reloading.then(deps.reloadKeys).catch((error) => {
          deps.log.error("identity.keys_reload_failed", { error: String(error) });
        });
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  });
  return {
    stop: async () => {
      await listener.unlisten().catch(() => {});
      await reloading;
    },
  };
}
