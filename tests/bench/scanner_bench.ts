/**
 * Secret-scanner benchmark, standalone (the `scanner` suite of `deno task bench` is scanner_run.ts):
 * quality table per family on the public corpus, throughput (mixed text documents, per corpus item,
 * i.e. one `scanText` call per corpus text, and the corpus as one text; all items and the clean ones)
 * and latency of `scanJson` on 1 KiB and 64 KiB tool arguments. In-process, one thread, through a
 * `Scanner` set up once.
 *
 * Usage: deno run -A tests/bench/scanner_bench.ts [--json]
 */
import process from "node:process";
import { createScanner } from "../../src/domain/scanner/mod.ts";
import { decide, loadCorpus, report } from "../scanner_corpus.ts";
import { mixedDocuments } from "./scanner_mixed.ts";

const SCANNER = createScanner({ fingerprintKey: new TextEncoder().encode("bench-pepper-0123456789abcdef") });
const scanJson = (value: unknown, _options?: unknown) => SCANNER.scanJson(value);
const scanText = (text: string, path: string, _options?: unknown) => SCANNER.scanText(text, path);
const OPTIONS = {};

/** Clean, realistic tool arguments of about `size` characters (code, shell, HTTP, prose). */
export function toolArgument(size: number): Record<string, unknown> {
  const code = [
    "export async function handler(req: Request): Promise<Response> {",
    "  const url = new URL(req.url);",
    '  const token = req.headers.get("authorization") ?? "";',
    '  if (!token.startsWith("Bearer ")) return new Response("unauthorized", { status: 401 });',
    '  const rows = await db.query("SELECT id, name FROM users WHERE org_id = $1", [url.searchParams.get("org")]);',
    "  return Response.json({ items: rows, next_cursor: null, request_id: crypto.randomUUID() });",
    "}",
  ].join("\n");
  const parts: string[] = [];
  while (parts.join("\n").length < size - 300) parts.push(code);
  return {
    path: "/workspace/src/server/routes/users.ts",
    content: parts.join("\n").slice(0, size - 300),
    options: { create_dirs: true, encoding: "utf-8", mode: "0644" },
    command: ["deno", "test", "-A", "--filter", "users route"],
    meta: { trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", session: "c0f7c0a2-6f5e-4f7b-9a57-1f2b3c4d5e6f" },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * CPU time of this process (all threads, so GC helpers count against us) next to wall time: the
 * benchmark machines are shared, and CPU time is what the scanner costs whatever the neighbours do.
 */
function clock<T>(run: () => T): { wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  run();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - t0, cpuMs: (used.user + used.system) / 1000 };
}

const round = (n: number) => Math.round(n * 10) / 10;

export interface LatencyStats {
  readonly bytes: number;
  readonly p50_us: number;
  readonly p99_us: number;
  readonly mean_cpu_us: number;
}

function latency(arg: Record<string, unknown>, iterations: number): LatencyStats {
  for (let i = 0; i < Math.min(200, iterations); i++) scanJson(arg, OPTIONS);
  const samples: number[] = [];
  const { cpuMs } = clock(() => {
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      scanJson(arg, OPTIONS);
      samples.push((performance.now() - t0) * 1000);
    }
  });
  samples.sort((a, b) => a - b);
  return {
    bytes: JSON.stringify(arg).length,
    p50_us: round(percentile(samples, 50)),
    p99_us: round(percentile(samples, 99)),
    mean_cpu_us: round((cpuMs * 1000) / iterations),
  };
}

export interface Throughput {
  readonly mib: number;
  readonly mib_per_s: number;
  readonly mib_per_cpu_s: number;
}

/** MiB/s of `scanText` over `texts`, one call per text (per-call costs included). */
function throughput(texts: readonly string[], rounds: number): Throughput {
  const bytes = texts.reduce((n, t) => n + new TextEncoder().encode(t).length, 0);
  for (const t of texts) scanText(t, "text", OPTIONS);
  const { wallMs, cpuMs } = clock(() => {
    for (let r = 0; r < rounds; r++) for (const t of texts) scanText(t, "text", OPTIONS);
  });
  const mib = (bytes * rounds) / (1024 * 1024);
  return {
    mib: Math.round(mib * 100) / 100,
    mib_per_s: round(mib / (wallMs / 1000)),
    mib_per_cpu_s: round(mib / (cpuMs / 1000)),
  };
}

if (import.meta.main) {
  const items = loadCorpus();
  const all = items.map((i) => i.text);
  const clean = items.filter((i) => i.expect === "clean").map((i) => i.text);
  const results = {
    mixed_text: throughput(mixedDocuments(all), 3),
    corpus_per_item: throughput(all, 5),
    corpus_as_one_text: throughput([all.join("\n\n")], 5),
    clean_per_item: throughput(clean, 5),
    clean_as_one_text: throughput([clean.join("\n\n")], 5),
    json_1k: latency(toolArgument(1024), 5000),
    json_64k: latency(toolArgument(64 * 1024), 200),
  };
  if (Deno.args.includes("--json")) console.log(JSON.stringify(results));
  else {
    console.log(report(decide(items)));
    console.log("");
    for (const [name, r] of Object.entries(results)) {
      if ("mib" in r) {
        console.log(
          `${
            name.padEnd(20)
          }: ${r.mib_per_cpu_s} MiB per CPU-second, ${r.mib_per_s} MiB/s wall (${r.mib} MiB)`,
        );
      } else {
        console.log(
          `${
            name.padEnd(20)
          }: p50 ${r.p50_us} µs, p99 ${r.p99_us} µs wall, ${r.mean_cpu_us} µs CPU mean (${r.bytes} B)`,
        );
      }
    }
  }
}
