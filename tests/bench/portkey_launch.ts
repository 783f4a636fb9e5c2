/**
 * The `llm` suite's comparison gateway: `npm:@portkey-ai/gateway` (the version pinned in deno.json's
 * imports) as its own Deno process on a free port, headless and in production mode (no UI, no
 * console spinner). Prints `{url, pid}` (the pid is Portkey's own process, whose CPU the suite
 * reads) once it answers HTTP, or `{error}` with its output when it cannot start; stops it on
 * SIGTERM. Requests reach it as `POST /v1/messages` with `x-portkey-provider: anthropic` and
 * `x-portkey-custom-host: <upstream>/v1`.
 */
import config from "../../deno.json" with { type: "json" };

/** `npm:@portkey-ai/gateway@<pinned>`: run as a package, Deno starts its `bin` (build/start-server.js). */
const spec = config.imports["@portkey-ai/gateway"];
const port = freePort();
const home = await Deno.makeTempDir({ prefix: "sp_portkey_" });
const child = new Deno.Command(Deno.execPath(), {
  // The repository's config and lock file: the package and its dependencies are integrity-checked.
  args: [
    "run",
    "-A",
    "--config",
    new URL("../../deno.json", import.meta.url).pathname,
    spec,
    `--port=${port}`,
    "--headless",
  ],
  cwd: home,
  env: { NODE_ENV: "production", NO_COLOR: "1" },
  stdin: "null",
  stdout: "piped",
  stderr: "piped",
}).spawn();
let output = "";
for (const stream of [child.stdout, child.stderr]) {
  stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (chunk) => void (output = (output + chunk).slice(-4000)) }),
  ).catch(() => {});
}
const url = `http://127.0.0.1:${port}`;
if (await answers(url, child.status)) {
  console.log(JSON.stringify({ url, pid: child.pid, spec }));
} else {
  console.log(JSON.stringify({ error: `${spec} did not start: ${output.trim().slice(-1500)}` }));
}
await new Promise<void>((resolve) => {
  Deno.addSignalListener("SIGTERM", resolve);
  child.status.then(() => resolve());
});
try {
  child.kill("SIGTERM");
} catch { /* already gone */ }
await child.status;
await Deno.remove(home, { recursive: true }).catch(() => {});
Deno.exit(0);

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Polls until anything answers HTTP at `url` (≤ 90 s: the first run downloads the package). */
async function answers(url: string, exited: Promise<unknown>): Promise<boolean> {
  let gone = false;
  exited.then(() => (gone = true));
  const deadline = Date.now() + 90_000;
  while (!gone && Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return false;
}
