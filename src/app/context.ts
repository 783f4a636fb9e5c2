import type { Clock } from "@shared/clock.ts";
import type { Logger } from "@shared/logger.ts";
import type { BuildInfo } from "@shared/version.ts";
import type { Config } from "@infra/config/config.ts";
import type { Db } from "@infra/db/db.ts";
import { connectDatabase } from "@infra/db/connect.ts";
import { migrate } from "@infra/db/migrate.ts";
import { MetricsRegistry } from "@infra/metrics/registry.ts";
import { createTokenKeys, createUserRepo, type TokenKeys, type UserRepo } from "@domain/identity/mod.ts";

/**
 * The composition root: the only place that opens the database. Everything a request or command
 * needs is built here once; route modules receive narrow slices of it.
 */
export interface AppContext extends AsyncDisposable {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly build: BuildInfo;
  readonly instanceId: string;
  readonly db: Db;
  readonly tokens: TokenKeys;
  readonly users: UserRepo;
  readonly metrics: MetricsRegistry;
}

export interface ContextInput {
  readonly config: Config;
  readonly clock: Clock;
  readonly log: Logger;
  readonly build: BuildInfo;
  /** Apply pending migrations after connecting (server start and setup do). */
  readonly migrate?: boolean;
  readonly connectTimeoutSeconds?: number;
}

export async function createAppContext(input: ContextInput): Promise<AppContext> {
  const db = await connectDatabase(input.config.database, {
    log: input.log,
    ...(input.connectTimeoutSeconds !== undefined ? { timeoutSeconds: input.connectTimeoutSeconds } : {}),
  });
  try {
    if (input.migrate) {
      const result = await migrate(db);
      if (result.applied.length > 0) input.log.info("db.migrated", { applied: result.applied });
    }
    return await assembleAppContext({ ...input, db });
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Builds the context around an open database (tests pass their own); disposing it closes `db`. */
export async function assembleAppContext(
  input: Omit<ContextInput, "migrate"> & { db: Db },
): Promise<AppContext> {
  const { db } = input;
  const tokens = await createTokenKeys(input.config.signingKeys);
  return {
    config: input.config,
    clock: input.clock,
    log: input.log,
    build: input.build,
    instanceId: crypto.randomUUID(),
    db,
    tokens,
    users: createUserRepo(db),
    metrics: new MetricsRegistry(),
    [Symbol.asyncDispose]: () => db.close(),
  };
}
