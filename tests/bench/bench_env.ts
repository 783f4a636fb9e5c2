import { V8_FLAGS } from "../../scripts/compile.ts";
import { withAdmin } from "../support/db.ts";
import type { PgServer } from "../support/pg_server.ts";
import { childEnv, REPO_ROOT } from "../support/process.ts";
import { type BenchHome, createBenchHome } from "./bench_home.ts";
import type { LoadResult, LoadSpec } from "./load_types.ts";

/**
 * Processes of a bench run: bench servers (server.ts) against a PostgreSQL database or embedded
 * PGlite, the load generator (loadgen.ts) and the in-process suites' child scripts. Every child is
 * `deno run -A` with the repository's config, an environment built from scratch, and is reaped.
 */
export type DbMode = "postgres" | "pglite";

export interface BenchServer extends AsyncDisposable {
  readonly mode: DbMode;
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  /** The postmaster (PostgreSQL mode): its tree's CPU is the database's share. */
  readonly dbPid: number | undefined;
  readonly home: BenchHome;
  readonly databaseUrl: string | undefined;
  stderrTail(): string;
}

const DENO = Deno.execPath();
const CONFIG = `${REPO_ROOT}/deno.json`;

/** The postmaster's pid, from `postmaster.pid` beside the server's socket directory. */
export async function postmasterPid(pg: PgServer): Promise<number> {
  const text = await Deno.readTextFile(`${pg.socketDir}/../data/postmaster.pid`);
  return Number(text.split("\n", 1)[0]);
}

/** A fresh database on `pg` for one bench server; dropped by the returned function. */
export async function createDatabase(pg: PgServer): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = pg.urlFor("postgres");
  await withAdmin(admin, (db) => db.exec(`create database ${name}`));
  return {
    url: pg.urlFor(name),
    drop: () => withAdmin(admin, (db) => db.exec(`drop database if exists ${name} with (force)`)),
  };
}

export interface ServerOptions {
  /** Directory for V8 CPU profiles of the server (`--cpu-prof`), when profiling. */
  readonly cpuProfDir?: string;
  /** The server's whole `--v8-flags=…` argument (default: the product's, scripts/compile.ts V8_FLAGS). */
  readonly v8Flags?: string;
  /** YAML appended to the bench home's profile. */
  readonly profileExtra?: string;
  /** Organisation vault secrets the server stores before it serves (provider keys). */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Extra environment for the bench server (BENCH_LLM_UPSTREAM / BENCH_LLM_KEY: the proxy floor). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A child deno process that prints one JSON line once ready; disposing stops (SIGTERM) and reaps it. */
export interface ReadyChild<T> extends AsyncDisposable {
  readonly ready: T;
  stderrTail(): string;
}

export async function spawnReady<T>(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
  cleanup: () => Promise<void> = () => Promise.resolve(),
): Promise<ReadyChild<T>> {
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", ...args],
    env: childEnv(env),
    clearEnv: true,
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let tail = "";
  const stderrDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (tail = (tail + chunk).slice(-8000)) }),
  ).catch(() => {});
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* exited */ }
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
    }, 20_000);
    await child.status;
    clearTimeout(timer);
    await stderrDone;
    await cleanup();
  };
  try {
    const ready = JSON.parse(await firstLine(child.stdout, 120_000)) as T;
    return { ready, stderrTail: () => tail, [Symbol.asyncDispose]: stop };
  } catch (error) {
    await stop();
    throw new Error(`${args.at(-1)} did not start: ${error}\n${tail}`);
  }
}

export async function startBenchServer(
  mode: DbMode,
  pg: PgServer | undefined,
  options: ServerOptions = {},
): Promise<BenchServer> {
  const home = await createBenchHome(options.profileExtra);
  const database = mode === "postgres" && pg ? await createDatabase(pg) : undefined;
  const env: Record<string, string> = { SYSTEMPROMPT_HOME: home.home, SYSTEMPROMPT_SERVICES: home.services };
  if (database) env["DATABASE_URL"] = database.url;
  if (options.secrets) env["BENCH_SECRETS"] = JSON.stringify(options.secrets);
  Object.assign(env, options.env ?? {});
  const prof = options.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  // The product's own V8 settings unless a measurement overrides them (BENCH_V8_FLAGS="" for V8's defaults).
  const v8Flags = options.v8Flags ?? Deno.env.get("BENCH_V8_FLAGS") ?? V8_FLAGS;
  if (v8Flags) prof.push(v8Flags);
  const child = await spawnReady<{ url: string; token: string; pid: number }>(
    [...prof, "--config", CONFIG, `${REPO_ROOT}/tests/bench/server.ts`],
    env,
    home.home,
    async () => {
      await database?.drop();
      await home[Symbol.asyncDispose]();
    },
  );
  return {
    mode,
    url: child.ready.url,
    token: child.ready.token,
    pid: child.ready.pid,
    dbPid: pg && mode === "postgres" ? await postmasterPid(pg) : undefined,
    home,
    databaseUrl: database?.url,
    stderrTail: child.stderrTail,
    [Symbol.asyncDispose]: () => child[Symbol.asyncDispose](),
  };
}

async function firstLine(stream: ReadableStream<Uint8Array>, ms: number): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + ms;
  let start = -1;
  while (start < 0 || !text.includes("\n", start)) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the ready line");
    const { done, value } = await reader.read();
    if (done) throw new Error("exited before it was ready");
    text += value;
    start = readyLineStart(text);
  }
  const end = text.indexOf("\n", start);
  // Keep draining stdout so the child never blocks on a full pipe (`stream` itself is locked by the
  // decoder: the reader is the only way to read on). BENCH_STDOUT=<file> keeps what it says there
  // (e.g. a server run with BENCH_V8_FLAGS=--v8-flags=…,--trace-gc).
  void drain(reader, text.slice(0, start) + text.slice(end + 1), Deno.env.get("BENCH_STDOUT"));
  return text.slice(start, end);
}

/**
 * Where the ready line starts: our children print `{"url":…}` (or `{"error":…}`) in one write, but V8's own
 * traces (--trace-gc-nvp) are block-buffered and may be flushed around it, even mid-line.
 */
function readyLineStart(text: string): number {
  return text.search(/\{"(?:url|error)":/);
}

async function drain(reader: ReadableStreamDefaultReader<string>, rest: string, sink: string | undefined) {
  const file = sink ? await Deno.open(sink, { write: true, create: true, append: true }) : undefined;
  const encoder = new TextEncoder();
  try {
    if (file && rest) await file.write(encoder.encode(rest));
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if (file) await file.write(encoder.encode(chunk.value));
    }
  } catch {
    // The child is gone; nothing more to read.
  } finally {
    file?.close();
  }
}

/** Runs one deno script of tests/bench with a JSON input on stdin; parses its JSON stdout. */
export async function runScript<T>(script: string, input: unknown, args: readonly string[] = []): Promise<T> {
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", "--config", CONFIG, `${REPO_ROOT}/tests/bench/${script}`, ...args],
    env: childEnv({}),
    clearEnv: true,
    cwd: REPO_ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    throw new Error(
      `${script} failed (exit ${out.code}): ${new TextDecoder().decode(out.stderr).slice(-4000)}`,
    );
  }
  return JSON.parse(stdout.slice(stdout.lastIndexOf("\n") + 1)) as T;
}

export function runLoadgen(spec: LoadSpec): Promise<LoadResult> {
  return runScript<LoadResult>("loadgen.ts", spec);
}
