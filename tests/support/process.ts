import { fileURLToPath } from "node:url";

/**
 * `systemprompt` as real child processes: `deno run -A main.ts …` with the repository's config,
 * an environment built from scratch (no SYSTEMPROMPT_* or DATABASE_URL of the caller leaks in) and
 * output drained so a full pipe never blocks the child.
 */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const MAIN = `${REPO_ROOT}/main.ts`;
const CONFIG = `${REPO_ROOT}/deno.json`;

/** A port nobody listens on right now (listen on 0, read it, close). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** The caller's environment minus everything that configures systemprompt or PostgreSQL. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const base = Object.entries(Deno.env.toObject()).filter(([key]) =>
    !key.startsWith("SYSTEMPROMPT_") && !key.startsWith("PG") && !key.startsWith("SP_TEST") &&
    key !== "DATABASE_URL" && key !== "CREDENTIALS_DIRECTORY" && key !== "NOTIFY_SOCKET"
  );
  return { ...Object.fromEntries(base), NO_COLOR: "1", ...extra };
}

function command(args: readonly string[], env: Record<string, string>, cwd: string): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, MAIN, ...args],
    env: childEnv(env),
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs one command to completion. */
export async function runSystemprompt(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<Finished> {
  const started = performance.now();
  const out = await command(args, env, cwd).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
    ms: performance.now() - started,
  };
}

export interface Running extends AsyncDisposable {
  readonly process: Deno.ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code, or "timeout" after `ms`. */
  exited(ms: number): Promise<number | "timeout">;
}

/** Starts a long-running command; disposing kills it (SIGKILL) if it still runs and reaps it. */
export function spawnSystemprompt(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Running {
  const process = command(args, env, cwd).spawn();
  const out = collect(process.stdout);
  const err = collect(process.stderr);
  const exited = async (ms: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
    try {
      return await Promise.race([process.status.then((s) => s.code), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    process,
    stdout: out.text,
    stderr: err.text,
    exited,
    [Symbol.asyncDispose]: async () => {
      if (await exited(0) === "timeout") {
        try {
          process.kill("SIGKILL");
        } catch { /* exited meanwhile */ }
      }
      await process.status;
      await Promise.all([out.done, err.done]);
    },
  };
}

function collect(stream: ReadableStream<Uint8Array>): { text: () => string; done: Promise<void> } {
  let text = "";
  const done = stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (text += chunk) }),
  ).catch(() => {});
  return { text: () => text, done };
}

/** Polls `url` until it answers 200 or the child exits or `ms` pass. */
export async function waitForOk(url: string, child: Running, ms: number): Promise<Response> {
  const deadline = Date.now() + ms;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (await child.exited(0) !== "timeout") break;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return response;
      last = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 (${last})\nstderr:\n${child.stderr().slice(-4000)}`);
}
