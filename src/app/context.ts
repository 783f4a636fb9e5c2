import { join } from "node:path";
import type { Clock } from "@shared/clock.ts";
import type { Logger } from "@shared/logger.ts";
import type { BuildInfo } from "@shared/version.ts";
import type { Config } from "@infra/config/config.ts";
import type { Db } from "@infra/db/db.ts";
import { connectDatabase } from "@infra/db/connect.ts";
import { migrate } from "@infra/db/migrate.ts";
import { MetricsRegistry } from "@infra/metrics/registry.ts";
import { createUpstreamHttp, type UpstreamHttp } from "@infra/http/h1_client.ts";
import { loadOrCreateAuditKey } from "@infra/audit/audit_key.ts";
import { type AuditWriter, openAuditWriter } from "@domain/audit/mod.ts";
import {
  buildPolicy,
  createLeasingRateLimiter,
  createSqlRateLimiter,
  type Policy,
} from "@domain/governance/mod.ts";
import { createScannerPort, egressScanOptions } from "./scanner_port.ts";
import type { ScanOptions } from "@domain/scanner/mod.ts";
import type { Vault } from "@domain/vault/mod.ts";
import { openAppVault } from "./vault_open.ts";
import { createLlmRuntime, type LlmRuntime } from "./llm_runtime.ts";
import { createLlmBudgetPort, staleReservationBound } from "./llm_budget.ts";
import { type CallRecorder, createCallRecorder } from "./llm_recorder.ts";
import { createBudgetLeases } from "./llm_budget_lease.ts";
import type { McpHub } from "./mcp_hub.ts";
import { createMcpHub, mcpPolicyPorts } from "./mcp_context.ts";
import {
  createIdentitySource,
  createUserRepo,
  IdentityCache,
  KeyRing,
  reloadKeyRing,
  signingKeyDir,
  startIdentitySync,
  type UserRepo,
} from "@domain/identity/mod.ts";

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
  /** The process's one audit writer; disposed (pending decisions made durable) before the db closes. */
  readonly audit: AuditWriter;
  /** JWT keys; swapped in place when a rotation is announced (NOTIFY sp_identity 'keys'). */
  readonly tokens: KeyRing;
  /** Live user/session/API-key facts for authentication (≤ 30 s, dropped on NOTIFY). */
  readonly identityCache: IdentityCache;
  readonly users: UserRepo;
  readonly metrics: MetricsRegistry;
  /** The governance chain built from services/ (file order) and its version hash. */
  readonly policy: Policy;
  /** Holds the verified master key; opening it fails when the key does not open the key ring. */
  readonly vault: Vault;
  /** The provider gateway's providers, routes and gateway policies (ISSUE 7). */
  readonly llm: LlmRuntime;
  /** Writes finished gateway calls (settlement + `ai_requests`) off the latency path; flushed on dispose. */
  readonly llmCalls: CallRecorder;
  /** Scan options for every egress scan (tool results, resources, model output): key and `extra_patterns`. */
  readonly egressScan: ScanOptions;
  /** The provider gateway's HTTP client (`fetch` for TLS and proxies; our own for plain HTTP). */
  readonly upstreamHttp: UpstreamHttp;
  /** The MCP gateway: registry, supervised upstreams (child processes) and tool catalogues. */
  readonly mcp: McpHub;
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
  const llm = createLlmRuntime(input.config);
  const vault = await openAppVault({ db, config: input.config, clock: input.clock, log: input.log });
  const auditKey = await loadOrCreateAuditKey(input.config.layout);
  const tokens = await KeyRing.create(input.config.signingKeys);
  const identityCache = new IdentityCache(createIdentitySource(db));
  const keyDir = signingKeyDir(input.config.layout.credentialsDir);
  const sync = await startIdentitySync({
    db,
    cache: identityCache,
    reloadKeys: () => reloadKeyRing({ db, clock: input.clock, keyDir, ring: tokens }),
    log: input.log,
  });
  const instanceId = crypto.randomUUID();
  const metrics = new MetricsRegistry();
  const audit = await openAuditWriter({
    db,
    lane: db.lane(),
    clock: input.clock,
    log: input.log,
    signer: auditKey,
    journalDir: join(input.config.paths.data, "audit-journal"),
    owner: instanceId,
    // A server database that answers no commit within 3 s counts as stalled: decisions go to the
    // fsync'd journal instead of waiting (ISSUE 9). The embedded database is in-process: it is slow
    // only when the process is, so it keeps the writer's longer default.
    ...(db.kind === "postgres" ? { batchTimeoutMs: 3_000 } : {}),
  }).catch(async (error) => {
    await sync.stop();
    throw error;
  });
  metrics.gauge("audit_queue_depth", "Decisions accepted but not yet durable", () => audit.depth());
  // A busy caller's calls are admitted against leased blocks of budget; the recorder settles each
  // call into its lease and queues the lease's release behind them (llm_budget_lease.ts).
  const budgetLeases = createBudgetLeases({
    db,
    log: input.log,
    clock: input.clock,
    release: (settlement) => llmCalls.settle(settlement),
  });
  // The recorder is a serial writer too: its batches take a lane of their own, off the pool's turn.
  const llmCalls = createCallRecorder({ db: db.lane(), log: input.log, route: budgetLeases.route });
  // Busy keys charge blocks of hits, one round trip per block (rate_lease.ts); returned on dispose.
  const sharedLimiter = createLeasingRateLimiter({ db, inner: createSqlRateLimiter(db), log: input.log });
  const fingerprintKey = new TextEncoder().encode(input.config.secrets.tokenPepper.reveal());
  const mcp = createMcpHub({ ...input, db, metrics, vault, instanceId, version: input.build.version });
  const upstreamHttp = createUpstreamHttp({ proxied: input.config.server.egressProxy });
  return {
    config: input.config,
    clock: input.clock,
    log: input.log,
    build: input.build,
    instanceId,
    db,
    audit,
    tokens,
    identityCache,
    users: createUserRepo(db),
    vault,
    llm,
    llmCalls,
    metrics,
    policy: buildPolicy(input.config.services.governance, input.config.services.accessControl, {
      scanner: createScannerPort(fingerprintKey, input.config.services.governance.stages.secret_scan),
      rateLimiter: sharedLimiter,
      budget: createLlmBudgetPort({
        db,
        limiter: sharedLimiter,
        policies: llm.policies,
        log: input.log,
        staleReservationMs: staleReservationBound(llm),
        leases: budgetLeases,
      }),
      ...mcpPolicyPorts(input.config, mcp),
    }),
    egressScan: egressScanOptions(fingerprintKey, input.config.services.governance.stages.secret_scan),
    mcp,
    upstreamHttp,
    [Symbol.asyncDispose]: async () => {
      await mcp[Symbol.asyncDispose]();
      await budgetLeases[Symbol.asyncDispose]();
      await llmCalls[Symbol.asyncDispose]();
      await upstreamHttp[Symbol.asyncDispose]();
      await sync.stop();
      await audit[Symbol.asyncDispose]();
      await sharedLimiter[Symbol.asyncDispose]();
      vault[Symbol.dispose]();
      await db.close();
    },
  };
}
