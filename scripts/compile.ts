/**
 * `deno task compile`: the single executable. `deno compile` needs its runtime base (`denort`),
 * normally downloaded; on a build host without internet set DENORT_BIN to a denort binary of the
 * same Deno version. Where no base can be had (as on our build machines), this says so and builds
 * the runtime bundle instead: one self-extracting executable holding the official `deno` binary and
 * the bundled application, which unpacks to a versioned cache directory on first run and execs
 * `deno run --cached-only --no-remote` with the same explicit permissions. Both artifacts are
 * written to dist/systemprompt-<version>-linux-x64 with a sha256sum file beside it.
 */
import { VERSION } from "../src/shared/version.ts";
import { buildRuntimeBundle } from "./runtime_bundle.ts";
import { LIBC_PATHS } from "../src/infra/runtime/idle_memory.ts";

const root = new URL("..", import.meta.url).pathname;
/**
 * Everything the product needs, named; never -A. `--unstable-net`: sd_notify's unix datagram socket.
 * `--unstable-no-legacy-abort`: a request's signal aborts only when the client goes away, not after
 * every answer (Deno's legacy behaviour builds a DOMException, stack and all, per request).
 */
export const PERMISSIONS = [
  "--unstable-net",
  "--unstable-no-legacy-abort",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
  // glibc only, for malloc_trim when the server idles (src/infra/runtime/idle_memory.ts)
  `--allow-ffi=${LIBC_PATHS.join(",")}`,
];

/**
 * The server's V8 settings, the same wherever it runs (`deno task start`, the compiled binary, the
 * runtime bundle, the benchmark server) (tests/bench/analysis.md):
 * - a 4 MiB young generation (V8 sizes it up to 16 MiB under load) keeps RSS at 200 concurrent
 *   requests under 300 MiB for ~5 % more CPU per request;
 * - a 96 MiB floor under the old generation's collection limit. V8 sets the limit at ~1.5 × the
 *   live heap after each full collection (~25 MiB here, so ~38 MiB), and a gateway at 500 req/s
 *   promotes ~3.7 MiB/s: a full collection every 2-3 s, each holding ~20 calls back by 8-30 ms,
 *   enough to set the p99 of any 10-s window. With the floor it comes every ~20 s. The first full
 *   collection under load already came at ~97 MiB, so peak RSS does not grow (quick 30-s runs: 204
 *   vs 208 MiB), nor does idle RSS after start (the floor is a limit, not memory taken); 3 s after a
 *   load it reads up to ~10 MiB higher until V8's memory reducer returns the heap (10-20 s);
 * - `gc` exposed, for the memory-reducing collection the server runs once it has been quiet for a
 *   second after a burst (src/infra/runtime/idle_memory.ts): idle RSS after the benchmark's load
 *   ~250 → ~120 MiB with `malloc_trim`.
 */
export const V8_FLAGS = "--v8-flags=--max-semi-space-size=4,--initial-old-space-size=96,--expose-gc";

async function git(args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd: root, stdout: "piped", stderr: "null" }).output()
    .catch(() => undefined);
  return out?.success ? new TextDecoder().decode(out.stdout).trim() : "unknown";
}

/** A generated entry that carries the build identity as constants. */
async function writeEntry(dir: string): Promise<string> {
  const build = {
    version: VERSION,
    commit: await git(["rev-parse", "--short=12", "HEAD"]),
    buildDate: new Date().toISOString(),
  };
  const entry = `${dir}/entry.ts`;
  await Deno.writeTextFile(
    entry,
    [
      `import { runCli } from "${root}src/entry/cli/main.ts";`,
      `const build = ${JSON.stringify(build)};`,
      "Deno.exit(await runCli(Deno.args, { env: Deno.env.toObject(), cwd: Deno.cwd(), build }));",
      "",
    ].join("\n"),
  );
  return entry;
}

async function sha256File(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function compileNative(entry: string, output: string): Promise<{ ok: boolean; detail: string }> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      "--config",
      `${root}deno.json`,
      ...PERMISSIONS,
      V8_FLAGS,
      "--no-check",
      "-o",
      output,
      entry,
    ],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const detail = new TextDecoder().decode(result.stderr);
  if (!result.success) return { ok: false, detail };
  // With DENORT_BIN pointing at a plain `deno`, compile "succeeds" but the output is just deno.
  const probe = await new Deno.Command(output, { args: ["--version"], stdout: "piped", stderr: "null" })
    .output();
  const text = new TextDecoder().decode(probe.stdout);
  return text.startsWith("systemprompt ")
    ? { ok: true, detail }
    : { ok: false, detail: "the base is not a denort runtime" };
}

async function main() {
  const dist = `${root}dist`;
  await Deno.mkdir(`${dist}/.build`, { recursive: true });
  const entry = await writeEntry(`${dist}/.build`);
  const name = `systemprompt-${VERSION}-linux-x64`;
  const output = `${dist}/${name}`;
  await Deno.remove(output).catch(() => {});
  const native = await compileNative(entry, output);
  let kind: string;
  if (native.ok) {
    kind = "deno compile (native single executable)";
  } else {
    console.error(
      "compile: deno compile could not get its runtime base (denort): " +
        `${native.detail.trim().split("\n").at(-1)}\n` +
        "compile: set DENORT_BIN=/path/to/denort (same Deno version) on hosts without internet; " +
        "building the runtime bundle instead (self-extracting: official deno binary + bundled app).",
    );
    await buildRuntimeBundle({
      root,
      entry,
      output,
      permissions: [...PERMISSIONS, V8_FLAGS],
      version: VERSION,
    });
    kind = "runtime bundle (self-extracting deno + bundled app)";
  }
  await Deno.writeTextFile(`${output}.sha256`, `${await sha256File(output)}  ${name}\n`);
  await Deno.remove(`${dist}/.build`, { recursive: true });
  const size = (await Deno.stat(output)).size;
  console.log(`compile: ${kind}: dist/${name} (${(size / 1e6).toFixed(1)} MB) and dist/${name}.sha256`);
}

if (import.meta.main) await main();
