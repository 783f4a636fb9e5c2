/**
 * Not part of `deno task bench`: how much of what a relaying handler allocates V8 promotes to the
 * old generation, with and without an outbound `fetch`. A `Deno.serve` relay (its own process, with
 * `--trace-gc-nvp` and the product's 4 MiB semi-spaces) parses each request and answers it either
 * itself (`none`), through `fetch` to a local upstream (`fetch`), or through `node:http` with a
 * keep-alive agent (`node-http`); this process drives it at 500 req/s over keep-alive connections and
 * sums the relay's scavenges. The governed llm path promotes ~12 KB of every call's ~150 KB, which
 * fills the old generation and brings a major GC into every ~9 s of load (tests/bench/analysis.md).
 *
 * Usage: deno run -A tests/bench/proto_fetch_promotion.ts [seconds per mode] [rounds]
 */
import http from "node:http";
import { Buffer } from "node:buffer";

const ANSWER = JSON.stringify({
  id: "msg_1",
  type: "message",
  role: "assistant",
  content: [{ type: "text", text: "hello ".repeat(40) }],
  usage: { input_tokens: 12, output_tokens: 34 },
});
const REQUEST = JSON.stringify({
  model: "m",
  max_tokens: 64,
  messages: [{ role: "user", content: "hi ".repeat(90) }],
});

type Mode = "none" | "fetch" | "node-http";

function serveUpstream(): void {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    await req.text();
    return new Response(ANSWER, { headers: { "content-type": "application/json" } });
  });
  console.error(`READY ${server.addr.port}`);
}

function nodePost(agent: http.Agent, port: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    const req = http.request(
      { host: "127.0.0.1", port, path: "/messages", method: "POST", agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function serveRelay(mode: Mode, upstreamPort: number): void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const url = `http://127.0.0.1:${upstreamPort}/messages`;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = JSON.stringify(await req.json());
    if (mode === "none") return Response.json(JSON.parse(ANSWER));
    if (mode === "node-http") return Response.json(JSON.parse(await nodePost(agent, upstreamPort, body)));
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    return Response.json(await response.json());
  });
  console.error(`READY ${server.addr.port}`);
}

interface Spawned {
  readonly port: number;
  readonly child: Deno.ChildProcess;
  readonly stdout: Promise<string>;
}

async function spawnRole(args: string[], v8Flags: string[] = []): Promise<Spawned> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...v8Flags, import.meta.filename!, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/READY (\d+)/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${args[0]} exited before it was ready: ${seen}`);
    seen += value;
  }
  void reader.cancel().catch(() => {});
  return { port: Number(/READY (\d+)/.exec(seen)![1]), child, stdout };
}

/** Paced open-loop load: one request every 2 ms for `seconds`. */
async function drive(port: number, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  const inflight = new Set<Promise<unknown>>();
  let next = performance.now();
  let sent = 0;
  while (performance.now() < end) {
    next += 2;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const p: Promise<unknown> = fetch(`http://127.0.0.1:${port}/v1/messages`, {
      method: "POST",
      body: REQUEST,
    })
      .then((r) => r.text())
      .finally(() => inflight.delete(p));
    inflight.add(p);
    sent++;
  }
  await Promise.all(inflight);
  return sent;
}

/** Sums the scavenges of a `--trace-gc-nvp` log: bytes allocated and promoted. */
function scavenges(log: string): { allocated: number; promoted: number; count: number } {
  let allocated = 0, promoted = 0, count = 0;
  for (const match of log.matchAll(/GC: (\{[^\n]*\})/g)) {
    let entry: { gc?: string; allocated?: number; promoted?: number };
    try {
      entry = JSON.parse(match[1]!);
    } catch {
      continue;
    }
    if (entry.gc !== "s") continue;
    allocated += entry.allocated ?? 0;
    promoted += entry.promoted ?? 0;
    count++;
  }
  return { allocated, promoted, count };
}

async function measure(mode: Mode, upstreamPort: number, seconds: number): Promise<void> {
  const relay = await spawnRole(["relay", mode, String(upstreamPort)], [
    "--v8-flags=--trace-gc-nvp,--max-semi-space-size=4",
  ]);
  await drive(relay.port, 1); // warm-up, inside the log too: small against the measured seconds
  const sent = await drive(relay.port, seconds);
  relay.child.kill("SIGTERM");
  await relay.child.status;
  const gc = scavenges(await relay.stdout);
  const perRequest = (bytes: number) => (bytes / (sent + 500) / 1024).toFixed(2);
  console.log(
    `${mode.padEnd(9)} ${sent} requests, ${gc.count} scavenges: allocated ${perRequest(gc.allocated)} KiB, ` +
      `promoted ${perRequest(gc.promoted)} KiB per request`,
  );
}

if (import.meta.main) {
  const [role, ...rest] = Deno.args;
  if (role === "upstream") serveUpstream();
  else if (role === "relay") serveRelay(rest[0] as Mode, Number(rest[1]));
  else {
    const seconds = Number(role ?? 8);
    const rounds = Number(rest[0] ?? 2);
    const upstream = await spawnRole(["upstream"]);
    for (let round = 0; round < rounds; round++) {
      for (const mode of ["none", "fetch", "node-http"] as const) await measure(mode, upstream.port, seconds);
    }
    upstream.child.kill("SIGTERM");
    await upstream.child.status;
    await upstream.stdout;
  }
}
