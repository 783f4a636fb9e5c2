import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * The SDK `Transport` over a child process started with `Deno.Command` (the SDK's own stdio client
 * inherits PATH, HOME and friends from us; an upstream must see only what it declares). The child
 * gets a cleared environment plus its declared variables, runs in its own process group, and is
 * stopped with that whole group: SIGTERM, then SIGKILL after a grace period.
 */
export interface StdioSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  /** Each line the child writes to stderr (the caller scrubs and stores it). */
  readonly onStderrLine: (line: string) => void;
}

const STOP_GRACE_MS = 2_000;
const MAX_LINE_BYTES = 16 * 1024 * 1024;

export class DenoStdioTransport implements Transport {
  readonly #spec: StdioSpec;
  #child: Deno.ChildProcess | undefined;
  #writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  #closed = false;
  #pumps: Promise<unknown>[] = [];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  constructor(spec: StdioSpec) {
    this.#spec = spec;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): Promise<void> {
    if (this.#child) throw new Error("transport already started");
    const child = new Deno.Command(this.#spec.command, {
      args: [...this.#spec.args],
      ...(this.#spec.cwd !== undefined ? { cwd: this.#spec.cwd } : {}),
      env: { ...this.#spec.env },
      clearEnv: true,
      detached: true,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#pumps = [
      readLines(child.stdout, (line) => this.#receive(line)),
      readLines(child.stderr, this.#spec.onStderrLine),
    ];
    child.status.then(() => this.#finish(), () => this.#finish());
    return Promise.resolve();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.#writer || this.#closed) throw new Error("upstream process is not running");
    await this.#writer.write(new TextEncoder().encode(serializeMessage(message)));
  }

  /** Stops the child's whole process group and waits for it. */
  async close(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    await this.#writer?.close().catch(() => {});
    signalGroup(child.pid, "SIGTERM");
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_GRACE_MS)),
    ]);
    if (!exited) signalGroup(child.pid, "SIGKILL");
    await child.status;
    await Promise.allSettled(this.#pumps);
    this.#finish();
  }

  #receive(line: string): void {
    if (line.trim() === "") return;
    try {
      this.onmessage?.(deserializeMessage(line));
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    // The group may still hold grandchildren after the leader exited.
    if (this.#child) signalGroup(this.#child.pid, "SIGKILL");
    this.onclose?.();
  }
}

function signalGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

async function readLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of stream) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline = buffer.indexOf("\n");
      while (newline !== -1) {
        onLine(buffer.slice(0, newline).replace(/\r$/, ""));
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf("\n");
      }
      if (buffer.length > MAX_LINE_BYTES) buffer = "";
    }
  } catch {
    // The pipe broke because the child died; `status` reports it.
  }
  if (buffer !== "") onLine(buffer);
}
