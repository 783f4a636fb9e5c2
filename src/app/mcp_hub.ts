import type { ScanOptions } from "@domain/scanner/mod.ts";
import notifyControlSql from "@sql/queries/mcp/notify_control.sql" with { type: "text" };
import type { McpServerConfig } from "@infra/config/mcp_schema.ts";
import type { Db, Listener } from "@infra/db/db.ts";
import type { MetricsRegistry } from "@infra/metrics/registry.ts";
import type { Clock } from "@shared/clock.ts";
import { AppError, describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import type { Secret } from "@shared/secret.ts";
import { ArgumentValidators } from "./mcp_arguments.ts";
import { type Catalog, reconcileCatalog } from "./mcp_catalog.ts";
import { type ConnectDeps, connectUpstream } from "./mcp_connect.ts";
import { createExecutionRecorder, type ExecutionRecorder } from "./mcp_executions.ts";
import { PinCache } from "./mcp_pin_cache.ts";
import { McpSessionCache } from "./mcp_session_cache.ts";
import { registerHealthGauges, reportTransition } from "./mcp_health.ts";
import { environmentKey, OwnerChildren, type OwnerChildView } from "./mcp_owners.ts";
import type { McpSecretSource } from "./mcp_secrets.ts";
import type { BuiltinCatalog, UpstreamConnection, UpstreamFeatures, UpstreamStatus } from "./mcp_types.ts";
import { UpstreamSlot } from "./mcp_upstream.ts";

/**
 * The MCP gateway's long-lived state in one process: the registry from `services/mcp`, one
 * supervised upstream per server, the last tool catalogue of each, and (in a server) the health
 * loop. Shared state lives in PostgreSQL (sessions, pins, executions); a restart request, a pin
 * change and a session close reach every process over `NOTIFY sp_mcp` (which keeps the session and
 * pin caches honest). Disposing stops every child process and writes the queued execution rows.
 */
export interface HubDeps {
  readonly servers: readonly McpServerConfig[];
  readonly db: Db;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: MetricsRegistry;
  readonly secrets: McpSecretSource;
  readonly logsDir: string;
  readonly servicesDir: string;
  readonly version: string;
  readonly instanceId: string;
  readonly fingerprintKey: Uint8Array;
  readonly egressScan: ScanOptions;
}

const CONTROL_CHANNEL = "sp_mcp";
const HEALTH_INTERVAL_MS = 30_000;

export class McpHub implements AsyncDisposable {
  readonly #deps: HubDeps;
  readonly #servers: ReadonlyMap<string, McpServerConfig>;
  readonly #slots = new Map<string, UpstreamSlot>();
  readonly #catalogs = new Map<string, Catalog>();
  readonly #refreshing = new Map<string, Promise<Catalog>>();
  readonly #owners: OwnerChildren;
  /** Compiled input-schema validators, shared by every call in this process. */
  readonly validators = new ArgumentValidators();
  /** `mcp_tool_executions` rows, written off the latency path; flushed on dispose. */
  readonly executions: ExecutionRecorder;
  /** Pin states for `tool_pinning` and session rows, cached while `sp_mcp` notifications arrive. */
  readonly pins: PinCache;
  readonly sessions: McpSessionCache;
  #builtins: BuiltinCatalog = new Map();
  #supervision:
    | { timer: ReturnType<typeof setInterval>; listener: Promise<Listener | undefined> }
    | undefined;
  #disposed = false;

  constructor(deps: HubDeps) {
    this.#deps = deps;
    this.#servers = new Map(deps.servers.map((s) => [s.name, s]));
    this.executions = createExecutionRecorder({ db: deps.db, log: deps.log });
    this.pins = new PinCache(deps.db);
    this.sessions = new McpSessionCache(deps.db);
    this.#owners = new OwnerChildren({
      clock: deps.clock,
      log: deps.log,
      connect: (server, env) => connectUpstream(server, this.#connectDeps(server), server.timeout_ms, env),
      onTransition: (server, child, t) => reportTransition(deps, { server, child, ...t }, this.#disposed),
    });
    registerHealthGauges(deps.metrics, {
      shared: () => [...this.#slots.values()].map((s) => s.status),
      owners: () => this.#owners.views().map((v) => v.status),
    });
  }

  get secrets(): McpSecretSource {
    return this.#deps.secrets;
  }

  get servers(): readonly McpServerConfig[] {
    return [...this.#servers.values()];
  }

  server(name: string): McpServerConfig | undefined {
    return this.#servers.get(name);
  }

  /** Our builtin servers live in the entry layer; the edge that serves them installs them. */
  installBuiltins(builtins: BuiltinCatalog): void {
    this.#builtins = builtins;
  }

  slot(name: string): UpstreamSlot {
    const server = this.#servers.get(name);
    if (!server) throw new AppError("mcp.server_not_found", `unknown MCP server ${name}`);
    let slot = this.#slots.get(name);
    if (!slot) {
      slot = this.#createSlot(server);
      this.#slots.set(name, slot);
    }
    return slot;
  }

  /**
   * The catalogue, re-listed from the upstream when older than `maxAgeMs` (0: always); `env` (a
   * caller's resolved env) lists through that caller's child when the shared one cannot start.
   */
  async catalog(
    name: string,
    maxAgeMs: number,
    env?: Readonly<Record<string, Secret>>,
  ): Promise<Catalog> {
    const cached = this.#catalogs.get(name);
    if (cached && Date.now() - cached.fetchedAt <= maxAgeMs) return cached;
    let pending = this.#refreshing.get(name);
    if (!pending) {
      pending = this.#refresh(name, env).finally(() => this.#refreshing.delete(name));
      this.#refreshing.set(name, pending);
    }
    return await pending;
  }

  /**
   * Runs `work` on the connection for a caller whose server env resolved to `env`: the shared one,
   * unless a stdio server's vault values differ from the shared child's (a user's or department's
   * own secret), which get a child of their own (`mcp_owners.ts`).
   */
  async withConnection<T>(
    name: string,
    env: Readonly<Record<string, Secret>> | undefined,
    work: (connection: UpstreamConnection) => Promise<T>,
  ): Promise<T> {
    const shared = this.slot(name);
    const server = this.#servers.get(name)!;
    const fromVault = Object.keys(server.env).filter((k) => server.env[k]?.startsWith("secret:"));
    if (server.kind !== "stdio" || env === undefined || fromVault.length === 0) {
      return await work(await shared.connection());
    }
    const key = this.#deps.fingerprintKey;
    const wanted = await environmentKey(key, fromVault.flatMap((k) => env[k] ? [env[k]] : []));
    // A shared child that never could start (no organisation value) is not waited for.
    const hopeless = shared.status === "error" && !shared.everConnected;
    const current = hopeless ? undefined : await shared.connection().catch(() => undefined);
    if (current && await environmentKey(key, current.injected) === wanted) return await work(current);
    if (this.#disposed) throw new AppError("mcp.server_unavailable", `MCP server ${name} is stopped`);
    return await this.#owners.use(server, wanted, env, work);
  }

  /** Per-owner children of `name` running in this process. */
  ownerChildren(name: string): number {
    return this.#owners.count(name);
  }

  /** Status of each per-owner child of `name` in this process. */
  ownerChildViews(name: string): OwnerChildView[] {
    return this.#owners.views(name);
  }

  /**
   * What the upstream offers besides tools (its shared connection says); undefined when that
   * cannot be reached now, so callers assume it may and let the request find out.
   */
  async features(name: string): Promise<UpstreamFeatures | undefined> {
    const slot = this.slot(name);
    if (slot.status === "error" && !slot.everConnected) return undefined;
    try {
      return (await slot.connection()).features;
    } catch {
      return undefined;
    }
  }

  cachedCatalog(name: string): Catalog | undefined {
    return this.#catalogs.get(name);
  }

  /** Pins changed elsewhere (an approval): the next use re-lists and re-reconciles. */
  forgetCatalog(name: string): void {
    this.#catalogs.delete(name);
    this.pins.invalidate(name);
  }

  /** Asks every process (this one included, when it supervises) to restart the upstream. */
  async requestRestart(name: string): Promise<void> {
    this.slot(name);
    await this.#deps.db.query(notifyControlSql, [`restart:${name}`]);
  }

  async restart(name: string): Promise<void> {
    this.#catalogs.delete(name);
    await this.#owners.stop(name);
    await this.slot(name).restart();
  }

  /** Server processes: start enabled upstreams, probe them periodically, obey restart requests. */
  startSupervision(intervalMs = HEALTH_INTERVAL_MS): void {
    if (this.#supervision || this.#disposed) return;
    const listener = this.#deps.db.listen(CONTROL_CHANNEL, (payload) => this.#onControl(payload))
      .then((listening) => {
        this.#setLive(!this.#disposed);
        return listening;
      })
      .catch((error) => {
        this.#deps.log.warn("mcp.control_listen_failed", { error: describeError(error) });
        return undefined;
      });
    const timer = setInterval(() => void this.probeAll(), intervalMs);
    this.#supervision = { timer, listener };
    setTimeout(() => void this.probeAll(), 0);
  }

  /** Probes running upstreams and per-owner children, and starts enabled upstreams not running. */
  async probeAll(): Promise<void> {
    const enabled = [...this.#servers.values()].filter((s) => s.enabled && !this.#disposed);
    await Promise.all([
      ...enabled.map(async (server) => {
        const slot = this.slot(server.name);
        if (slot.connected) await slot.probe();
        else if (slot.status === "stopped") await slot.connection().catch(() => {});
      }),
      this.#owners.probe(),
    ]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#disposed = true;
    this.#setLive(false);
    if (this.#supervision) {
      clearInterval(this.#supervision.timer);
      await (await this.#supervision.listener)?.unlisten().catch(() => {});
    }
    await Promise.allSettled([...this.#slots.values()].map((slot) => slot.stop()));
    await this.#owners.stop();
    await this.executions[Symbol.asyncDispose]();
  }

  async #refresh(name: string, env: Readonly<Record<string, Secret>> | undefined): Promise<Catalog> {
    const timeout = this.#servers.get(name)?.timeout_ms ?? 30_000;
    const tools = await this.withConnection(name, env, (c) => c.listTools(AbortSignal.timeout(timeout)));
    const catalog = await reconcileCatalog(this.#deps, name, tools);
    this.pins.invalidate(name); // the reconciliation may have written pins
    this.#catalogs.set(name, catalog);
    return catalog;
  }

  #createSlot(server: McpServerConfig): UpstreamSlot {
    const d = this.#deps;
    return new UpstreamSlot({
      name: server.name,
      enabled: server.enabled,
      clock: d.clock,
      connect: () => connectUpstream(server, this.#connectDeps(server), server.timeout_ms),
      onTransition: (from, to, error) => this.#onTransition(server.name, from, to, error),
    });
  }

  #connectDeps(server: McpServerConfig): ConnectDeps {
    const d = this.#deps;
    return {
      builtins: () => this.#builtins,
      secrets: d.secrets,
      log: d.log,
      logsDir: d.logsDir,
      servicesDir: d.servicesDir,
      version: d.version,
      onListChanged: () => this.#catalogs.delete(server.name),
    };
  }

  #onTransition(server: string, from: UpstreamStatus, to: UpstreamStatus, error: string | null): void {
    if (to !== "running") this.#catalogs.delete(server);
    reportTransition(this.#deps, { server, from, to, error }, this.#disposed);
  }

  #setLive(live: boolean): void {
    this.pins.setLive(live);
    this.sessions.setLive(live);
  }

  #onControl(payload: string): void {
    const match = /^(restart|forget|pins|session):(.+)$/.exec(payload);
    const [, action, server] = match ?? [];
    if (action === "session" && server) return this.sessions.forget(server);
    if (!server || !this.#servers.has(server)) return;
    if (action === "forget") return this.forgetCatalog(server);
    if (action === "pins") return this.pins.invalidate(server);
    this.restart(server).catch((error) =>
      this.#deps.log.warn("mcp.restart_failed", { server, error: describeError(error) })
    );
  }
}
