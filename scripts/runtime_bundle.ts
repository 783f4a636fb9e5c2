/**
 * The runtime bundle: a POSIX shell stub followed by a tar.gz payload holding the `deno` binary and
 * the bundled application. On first run the stub unpacks the payload into
 * `${XDG_CACHE_HOME:-$HOME/.cache}/systemprompt/<version>-<payload sha>` (or
 * $SYSTEMPROMPT_RUNTIME_DIR) and then always execs the cached deno with the app and the same
 * explicit permissions. Nothing is fetched; the npm packages are inlined in the bundle.
 */
export interface RuntimeBundleInput {
  readonly root: string;
  readonly entry: string;
  readonly output: string;
  readonly permissions: readonly string[];
  readonly version: string;
}

async function run(cmd: string, args: string[], cwd: string): Promise<void> {
  const result = await new Deno.Command(cmd, { args, cwd, stdout: "inherit", stderr: "inherit" }).output();
  if (!result.success) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${result.code})`);
}

function stub(version: string, payloadSha: string, permissions: readonly string[]): string {
  return `#!/bin/sh
# systemprompt ${version} runtime bundle: unpacks once, then runs the bundled app with deno.
set -eu
dir="\${SYSTEMPROMPT_RUNTIME_DIR:-\${XDG_CACHE_HOME:-\${HOME:-/tmp}/.cache}/systemprompt/${version}-${
    payloadSha.slice(0, 16)
  }}"
if [ ! -x "$dir/deno" ] || [ ! -f "$dir/app.js" ]; then
  mkdir -p "$dir.tmp.$$"
  line=$(awk '/^__PAYLOAD__$/ { print NR + 1; exit 0 }' "$0")
  tail -n +"$line" "$0" | tar -xzf - -C "$dir.tmp.$$"
  rm -rf "$dir" && mv "$dir.tmp.$$" "$dir"
fi
DENO_NO_PACKAGE_JSON=1 DENO_NO_UPDATE_CHECK=1 exec "$dir/deno" run --cached-only --no-remote --no-config ${
    permissions.join(" ")
  } "$dir/app.js" "$@"
__PAYLOAD__
`;
}

export async function buildRuntimeBundle(input: RuntimeBundleInput): Promise<void> {
  const work = await Deno.makeTempDir({ prefix: "sp-runtime-" });
  try {
    await run(Deno.execPath(), [
      "bundle",
      "--config",
      `${input.root}deno.json`,
      "--platform",
      "deno",
      "-o",
      `${work}/app.js`,
      input.entry,
    ], input.root);
    await Deno.copyFile(Deno.execPath(), `${work}/deno`);
    await Deno.chmod(`${work}/deno`, 0o755);
    await run("tar", ["-czf", `${work}/payload.tgz`, "-C", work, "deno", "app.js"], work);
    const payload = await Deno.readFile(`${work}/payload.tgz`);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", payload));
    const sha = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    const head = new TextEncoder().encode(stub(input.version, sha, input.permissions));
    const file = new Uint8Array(head.length + payload.length);
    file.set(head);
    file.set(payload, head.length);
    await Deno.writeFile(input.output, file, { mode: 0o755 });
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
