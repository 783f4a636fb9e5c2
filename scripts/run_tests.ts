/**
 * `deno task test [paths…] [deno test flags…]`: runs unit tests once, then every `tests/` suite twice,
 * against PGlite and against a throwaway PostgreSQL 18 server, and ends with exactly one line
 * `tests: N passed, M failed` (N and M count top-level tests; steps are not counted). A pass that dies
 * before deno prints its summary counts as one failure. `SP_TEST_ONLY=unit|pglite|postgres` runs one
 * pass.
 */
import { migrate } from "@infra/db/migrate.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { type PgServer, startPgServer } from "../tests/support/pg_server.ts";

type PassName = "unit" | "pglite" | "postgres";

interface Tally {
  passed: number;
  failed: number;
}

interface RunState {
  server: PgServer | undefined;
  interrupted: boolean;
}

const UNIT_ROOTS = ["src", "scripts"];
const DB_ROOTS = ["tests"];
const TEMPLATE_DB = "sp_template";
// Leak sanitizers are off by default since Deno 2.8; unit tests must not leak ops or resources.
const UNIT_FLAGS = ["--parallel", "--sanitize-ops", "--sanitize-resources"];
// `deno test` flags whose value may come as the next argument (`--filter name`).
const VALUE_FLAGS = new Set([
  "--filter",
  "--reporter",
  "--seed",
  "--shard",
  "--retry",
  "--repeats",
  "--junit-path",
]);

async function main(args: readonly string[]): Promise<never> {
  const { flags, paths } = splitArgs(args);
  const explicit = paths.length > 0;
  const unit = await testFiles(
    explicit ? paths.filter((p) => !underRoots(p, DB_ROOTS)) : UNIT_ROOTS,
    explicit,
  );
  const db = await testFiles(explicit ? paths.filter((p) => underRoots(p, DB_ROOTS)) : DB_ROOTS, explicit);
  const tally: Tally = { passed: 0, failed: 0 };
  const state: RunState = { server: undefined, interrupted: false };
  const interrupt = async () => {
    if (state.interrupted) return;
    state.interrupted = true;
    await state.server?.stop();
    finish({ passed: tally.passed, failed: tally.failed + 1 }, 130);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, interrupt);
  const passes: [PassName, string[], () => Promise<Tally>][] = [
    ["unit", unit, () => runPass("unit", [...UNIT_FLAGS, ...flags, ...unit], {})],
    ["pglite", db, () => runPass("pglite", [...flags, ...db], { SP_TEST_DB: "pglite" })],
    ["postgres", db, () => runPostgresPass(state, [...flags, ...db])],
  ];
  const only = Deno.env.get("SP_TEST_ONLY") || undefined;
  if (only && !passes.some(([name]) => name === only)) {
    console.error(`SP_TEST_ONLY must be unit, pglite or postgres, not ${only}`);
    return finish({ passed: 0, failed: 1 }, 2);
  }
  for (const [name, files, pass] of passes) {
    if ((only && only !== name) || files.length === 0) continue;
    const result = await pass();
    if (state.interrupted) return await new Promise<never>(() => {}); // the signal handler finishes
    tally.passed += result.passed;
    tally.failed += result.failed;
  }
  return finish(tally, tally.failed > 0 ? 1 : 0);
}

function splitArgs(args: readonly string[]): { flags: string[]; paths: string[] } {
  const flags: string[] = [];
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-")) paths.push(arg);
    else flags.push(...(VALUE_FLAGS.has(arg) && i + 1 < args.length ? [arg, args[++i]!] : [arg]));
  }
  return { flags, paths };
}

async function runPostgresPass(state: RunState, args: readonly string[]): Promise<Tally> {
  const started = performance.now();
  try {
    const server = state.server = await startPgServer();
    const version = await prepareTemplate(server);
    const ms = Math.round(performance.now() - started);
    const env = {
      SP_TEST_DB: "postgres",
      SP_TEST_PG_URL: server.urlFor("postgres"),
      SP_TEST_PG_TEMPLATE: TEMPLATE_DB,
    };
    return await runPass(`postgres: ${version}; server and template ready in ${ms} ms`, args, env);
  } catch (error) {
    console.log(`\n== tests (postgres) ==\ncould not prepare the server: ${error}`);
    return { passed: 0, failed: 1 };
  } finally {
    await state.server?.stop();
  }
}

/** Creates and migrates the template every test database is cloned from; returns `version()`. */
async function prepareTemplate(server: PgServer): Promise<string> {
  await using admin = openPostgresDb({ url: server.urlFor("postgres"), max: 1 });
  await admin.exec(`create database ${TEMPLATE_DB}`);
  await using template = openPostgresDb({ url: server.urlFor(TEMPLATE_DB), max: 1 });
  await migrate(template);
  return (await admin.one<{ version: string }>("select version() as version")).version;
}

async function runPass(label: string, args: readonly string[], env: Record<string, string>): Promise<Tally> {
  console.log(`\n== tests (${label}) ==`);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const output = await echo(child.stdout);
  const status = await child.status;
  const summary = parseSummary(output);
  if (!summary) return { passed: 0, failed: 1 };
  // A non-zero exit without a counted failure (e.g. a type error after tests) still fails the pass.
  return status.success || summary.failed > 0 ? summary : { passed: summary.passed, failed: 1 };
}

/** Copies a child's stdout to ours while keeping its tail, where deno prints the summary. */
async function echo(stream: ReadableStream<Uint8Array>): Promise<string> {
  const [screen, copy] = stream.tee();
  const shown = screen.pipeTo(Deno.stdout.writable, { preventClose: true });
  let tail = "";
  for await (const text of copy.pipeThrough(new TextDecoderStream())) tail = (tail + text).slice(-20_000);
  await shown;
  return tail;
}

/**
 * Reads deno's last summary line, e.g. `ok | 3 passed (2 steps) | 0 failed | 1 ignored (8ms)` or
 * `FAILED | 3 passed (2 steps) | 2 failed (1 step) (120ms)`.
 */
export function parseSummary(output: string): Tally | undefined {
  // deno-lint-ignore no-control-regex -- strips the ANSI colour codes deno writes even into a pipe
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const pattern = /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed\b/gm;
  const last = [...plain.matchAll(pattern)].at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

/**
 * `*_test.ts` files under the given files or directories, sorted. A missing default root is skipped;
 * a missing path the user named is kept, so that deno reports it and the pass fails.
 */
async function testFiles(roots: readonly string[], keepMissing: boolean): Promise<string[]> {
  const found: string[] = [];
  for (const root of roots) {
    const stat = await Deno.stat(root).catch(() => undefined);
    if (stat?.isFile || (!stat && keepMissing)) found.push(root);
    else if (stat?.isDirectory) await walk(root.replace(/\/$/, ""), found);
  }
  return [...new Set(found)].sort();
}

async function walk(dir: string, found: string[]): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    if (entry.isDirectory) await walk(path, found);
    else if (entry.isFile && entry.name.endsWith("_test.ts")) found.push(path);
  }
}

function underRoots(path: string, roots: readonly string[]): boolean {
  const normal = path.replace(/^\.\//, "");
  return roots.some((root) => normal === root || normal.startsWith(`${root}/`));
}

/** Prints the one line CI reads, last, and exits. */
function finish(tally: Tally, code: number): never {
  console.log(`tests: ${tally.passed} passed, ${tally.failed} failed`);
  Deno.exit(code);
}

if (import.meta.main) await main(Deno.args);
