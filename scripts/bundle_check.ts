/**
 * Hermetic bundle check: bundle main.ts into one file, copy it alone into an empty directory and
 * run it with no config, no remote modules and no access to the checkout. It must answer
 * `--version`, run `admin setup --non-interactive` on an embedded database, and serve health.
 * This proves nothing is read from the source tree at run time.
 */
const root = new URL("..", import.meta.url).pathname;

async function run(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd,
    env: { DENO_NO_PACKAGE_JSON: "1", NO_COLOR: "1", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

function fail(step: string, detail: string): never {
  console.error(`bundle_check: FAIL ${step}\n${detail}`);
  Deno.exit(1);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

async function waitForHealth(url: string, child: Deno.ChildProcess, seconds: number) {
  const deadline = Date.now() + seconds * 1000;
  let exited = false;
  child.status.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      const body = await response.json();
      if (response.status === 200 && body.database === "ok") return body;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

async function main() {
  const work = await Deno.makeTempDir({ prefix: "sp-bundle-" });
  const empty = await Deno.makeTempDir({ prefix: "sp-hermetic-" });
  try {
    const bundle = `${work}/systemprompt.js`;
    const built = await run(["bundle", "--platform", "deno", "-o", bundle, "main.ts"], { cwd: root });
    if (built.code !== 0) fail("deno bundle", built.stderr);
    const entries = [...Deno.readDirSync(work)].map((e) => e.name);
    if (entries.length !== 1) fail("single file", `bundle produced ${entries.join(", ")}`);
    await Deno.copyFile(bundle, `${empty}/systemprompt.js`);
    const base = ["run", "-A", "--no-remote", "--cached-only", "--no-config", "systemprompt.js"];
    const env = { SYSTEMPROMPT_HOME: `${empty}/home` };
    const version = await run([...base, "--version"], { cwd: empty, env });
    if (version.code !== 0 || !version.stdout.startsWith("systemprompt ")) fail("--version", version.stderr);
    const setup = await run([...base, "--json", "admin", "setup", "--non-interactive"], { cwd: empty, env });
    if (setup.code !== 0) fail("admin setup", setup.stderr);
    const port = freePort();
    const child = new Deno.Command(Deno.execPath(), {
      args: [...base, "infra", "services", "serve"],
      cwd: empty,
      env: { DENO_NO_PACKAGE_JSON: "1", ...env, SYSTEMPROMPT_PORT: String(port) },
      stdout: "null",
      stderr: "null",
    }).spawn();
    const health = await waitForHealth(`http://127.0.0.1:${port}/api/v1/health`, child, 60);
    child.kill("SIGTERM");
    const status = await child.status;
    if (!health) fail("serve health", "no healthy answer within 60 s");
    if (status.code !== 0) fail("graceful stop", `exit code ${status.code} after SIGTERM`);
    const size = (await Deno.stat(bundle)).size;
    console.log(
      `bundle_check: ok (${
        (size / 1e6).toFixed(1)
      } MB bundle; ${version.stdout.trim()}; setup and health served from an empty directory)`,
    );
  } finally {
    await Deno.remove(work, { recursive: true });
    await Deno.remove(empty, { recursive: true });
  }
}

if (import.meta.main) await main();
