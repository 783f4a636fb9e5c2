import { AppError, describeError } from "@shared/errors.ts";
import type { Clock } from "@shared/clock.ts";
import type { UpstreamConnection, UpstreamStatus } from "./mcp_types.ts";

/**
 * Supervises one upstream in this process: opens the connection on first use, restarts it with
 * exponential backoff when it ends unexpectedly (a crashed child), answers health probes, and
 * reports status transitions. A call that arrives while a restart is pending waits for it.
 */
export interface SlotDeps {
  readonly name: string;
  readonly enabled: boolean;
  readonly clock: Clock;
  readonly connect: () => Promise<UpstreamConnection>;
  readonly onTransition: (from: UpstreamStatus, to: UpstreamStatus, error: string | null) => void;
}

const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;
/** A connection that stayed up this long resets the backoff. */
const STABLE_MS = 30_000;
const PROBE_TIMEOUT_MS = 5_000;
const MAX_WAIT_FOR_RESTART_MS = 2_000;

export class UpstreamSlot {
  readonly #deps: SlotDeps;
  #status: UpstreamStatus;
  #conn: UpstreamConnection | undefined;
  #opening: Promise<UpstreamConnection> | undefined;
  #restart: { timer: ReturnType<typeof setTimeout>; at: number; done: Promise<void> } | undefined;
  #failures = 0;
  #upSince = 0;
  #stopped = false;
  #lastError: string | null = null;
  #lastHealthCheck: Date | null = null;
  #restarts = 0;
  #everConnected = false;

  constructor(deps: SlotDeps) {
    this.#deps = deps;
    this.#status = deps.enabled ? "stopped" : "disabled";
  }

  get status(): UpstreamStatus {
    return this.#status;
  }
  get lastError(): string | null {
    return this.#lastError;
  }
  get lastHealthCheck(): Date | null {
    return this.#lastHealthCheck;
  }
  get restarts(): number {
    return this.#restarts;
  }
  get connected(): boolean {
    return this.#conn !== undefined;
  }
  /** Whether a connection was ever opened (a slot that never could is not worth waiting for). */
  get everConnected(): boolean {
    return this.#everConnected;
  }

  /** The live connection, opening it (or waiting for a pending restart) when needed. */
  async connection(): Promise<UpstreamConnection> {
    if (!this.#deps.enabled) {
      throw new AppError("mcp.server_unavailable", `MCP server ${this.#deps.name} is disabled`);
    }
    if (this.#stopped) {
      throw new AppError("mcp.server_unavailable", `MCP server ${this.#deps.name} is stopped`);
    }
    if (this.#restart) {
      await this.#awaitRestart(this.#restart);
      if (!this.#conn) {
        throw new AppError("mcp.server_unavailable", `MCP server ${this.#deps.name} could not be restarted`);
      }
    }
    if (this.#conn) return this.#conn;
    this.#opening ??= this.#open();
    return await this.#opening;
  }

  /** Closes and reopens now, with a fresh backoff. */
  async restart(): Promise<void> {
    this.#failures = 0;
    this.#cancelRestart();
    await this.#closeCurrent();
    if (this.#deps.enabled && !this.#stopped) await this.connection().catch(() => {});
  }

  /** Health probe: ping a live connection; a failed ping counts as a crash. */
  async probe(): Promise<void> {
    const conn = this.#conn;
    if (!conn) return;
    try {
      await conn.ping(AbortSignal.timeout(PROBE_TIMEOUT_MS));
      this.#lastHealthCheck = this.#deps.clock.now();
      this.#set("running", null);
    } catch (error) {
      this.#lastHealthCheck = this.#deps.clock.now();
      this.#conn = undefined;
      await conn.close().catch(() => {});
      this.#fail(`health probe failed: ${describeError(error)}`);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelRestart();
    await this.#opening?.catch(() => {});
    await this.#closeCurrent();
    if (this.#deps.enabled) this.#set("stopped", null);
  }

  async #open(): Promise<UpstreamConnection> {
    this.#set("starting", null);
    try {
      const conn = await this.#deps.connect();
      if (this.#stopped) {
        await conn.close();
        throw new AppError("mcp.server_unavailable", `MCP server ${this.#deps.name} is stopped`);
      }
      this.#conn = conn;
      this.#everConnected = true;
      this.#upSince = Date.now();
      this.#lastHealthCheck = this.#deps.clock.now();
      this.#set("running", null);
      conn.ended.then(() => this.#onEnded(conn));
      return conn;
    } catch (error) {
      this.#fail(`start failed: ${describeError(error)}`);
      throw error instanceof AppError
        ? error
        : new AppError("mcp.server_unavailable", `MCP server ${this.#deps.name} could not be started`, {
          cause: error,
        });
    } finally {
      this.#opening = undefined;
    }
  }

  #onEnded(conn: UpstreamConnection): void {
    if (this.#conn !== conn) return; // closed on purpose
    this.#conn = undefined;
    if (Date.now() - this.#upSince > STABLE_MS) this.#failures = 0;
    this.#fail("upstream connection ended");
  }

  #fail(error: string): void {
    this.#lastError = error;
    this.#set("error", error);
    if (this.#stopped) return;
    this.#failures++;
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    if (this.#restart) return;
    const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, this.#failures - 1));
    let fire!: () => void;
    const done = new Promise<void>((resolve) => {
      fire = () => {
        if (!this.#restart) return resolve();
        clearTimeout(this.#restart.timer);
        this.#restart = undefined;
        this.#restarts++;
        this.#opening ??= this.#open();
        this.#opening.then(() => resolve(), () => resolve());
      };
    });
    this.#restart = { timer: setTimeout(() => fire(), delay), at: Date.now() + delay, done };
  }

  /** A caller waits for a restart that is due soon; a long backoff answers "unavailable" at once. */
  async #awaitRestart(restart: { at: number; done: Promise<void> }): Promise<void> {
    if (restart.at - Date.now() > MAX_WAIT_FOR_RESTART_MS) {
      throw new AppError(
        "mcp.server_unavailable",
        `MCP server ${this.#deps.name} is restarting after failures; retry later`,
      );
    }
    await restart.done;
  }

  #cancelRestart(): void {
    if (!this.#restart) return;
    clearTimeout(this.#restart.timer);
    this.#restart = undefined;
  }

  async #closeCurrent(): Promise<void> {
    const conn = this.#conn;
    this.#conn = undefined;
    await conn?.close().catch(() => {});
  }

  #set(status: UpstreamStatus, error: string | null): void {
    const from = this.#status;
    if (from === status) return;
    this.#status = status;
    this.#deps.onTransition(from, status, error);
  }
}
