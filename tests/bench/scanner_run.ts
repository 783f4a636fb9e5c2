/**
 * `scanner` suite, child process. In-process throughput in MiB/s (UTF-8 bytes scanned per second,
 * one thread, through a `Scanner` set up once as the `secret_scan` stage's port does):
 * - **mixed text** (the ≥ 50 MiB/s target): ~16 KiB documents of code, logs, JSON tool calls and
 *   prose with every public-corpus item interleaved, one per ~2 KiB of background (scanner_mixed.ts),
 *   scanned as text and as a `Write` tool_input;
 * - the corpus **per item** (secret-dense: every item is a secret or a near miss, ~150 bytes each, so
 *   per-call costs dominate), as text and by the feeding rule;
 * - the hook suite's 1 KiB Bash and 16 KiB Write arguments.
 * Latency percentiles of `scanJson` on the 1 KiB and 64 KiB arguments (the 0.2 ms p99 target), items
 * blocked per corpus file, and the end-to-end scoring through the hook route (scanner_e2e.ts).
 */
import { createScanner, type Scanner } from "@domain/scanner/mod.ts";
import { type Item, loadCorpus, toolInput } from "../scanner_corpus.ts";
import { bashInput, writeInput } from "./fixtures.ts";
import { toolArgument } from "./scanner_bench.ts";
import { type EndToEndResult, scoreEndToEnd } from "./scanner_e2e.ts";
import { DOC_BYTES, mixedDocuments, SPACING } from "./scanner_mixed.ts";
import { readInput } from "./stdin_json.ts";

export interface ScannerInput {
  /** Measuring time per workload. */
  readonly ms: number;
  /** PostgreSQL database for the end-to-end half (absent: embedded PGlite). */
  readonly databaseUrl?: string;
}

export interface Throughput {
  readonly name: string;
  readonly bytes: number;
  readonly items: number;
  readonly mibPerSecond: number;
  /** Mean time per item scan (µs). */
  readonly usPerItem: number;
}

export interface Latency {
  readonly name: string;
  readonly bytes: number;
  readonly calls: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

export interface ScannerResult {
  readonly corpusBytes: number;
  readonly mixed: {
    readonly documents: number;
    readonly bytes: number;
    readonly docBytes: number;
    readonly spacing: number;
    readonly corpusShare: number;
  };
  readonly throughput: readonly Throughput[];
  readonly latency: readonly Latency[];
  readonly blocked: Readonly<Record<string, { items: number; blocked: number }>>;
  readonly e2e: EndToEndResult;
}

const utf8 = (s: string) => new TextEncoder().encode(s).byteLength;
const round = (n: number) => Math.round(n * 10) / 10;

function measure(
  name: string,
  inputs: readonly unknown[],
  ms: number,
  scan: (x: unknown) => void,
): Throughput {
  const bytes = inputs.reduce<number>((n, x) => n + utf8(typeof x === "string" ? x : JSON.stringify(x)), 0);
  const warm = performance.now(); // warm-up: a third of the window (optimised code, settled heap)
  do for (const x of inputs) scan(x); while (performance.now() - warm < ms / 3);
  let rounds = 0;
  const started = performance.now();
  while (performance.now() - started < ms || rounds === 0) {
    for (const x of inputs) scan(x);
    rounds++;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    name,
    bytes,
    items: inputs.length,
    mibPerSecond: round((bytes * rounds) / seconds / 1024 / 1024),
    usPerItem: round((seconds * 1e6) / (rounds * inputs.length)),
  };
}

function latency(name: string, scanner: Scanner, arg: unknown, ms: number): Latency {
  for (let i = 0; i < 200; i++) scanner.scanJson(arg);
  const samples: number[] = [];
  const started = performance.now();
  while (performance.now() - started < ms || samples.length < 100) {
    const t0 = performance.now();
    scanner.scanJson(arg);
    samples.push((performance.now() - t0) * 1000);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) => round(samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0);
  return { name, bytes: utf8(JSON.stringify(arg)), calls: samples.length, p50Us: at(0.5), p99Us: at(0.99) };
}

function throughputs(scanner: Scanner, docs: readonly string[], texts: readonly string[], ms: number) {
  const text = (x: unknown) => void scanner.scanText(x as string, "prompt.text");
  const json = (x: unknown) => void scanner.scanJson(x);
  measure("warm-up", [...docs.slice(0, 16), ...texts], ms, text); // JIT and heap settle first
  return [
    measure("mixed text, scanText per 16 KiB document", docs, ms, text),
    measure(
      "mixed text as Write tool_input (scanJson)",
      docs.map((d) => ({ file_path: "/w/doc.md", content: d })),
      ms,
      json,
    ),
    measure("corpus, scanText per item", texts, ms, text),
    measure("corpus, scanJson per item (feeding rule)", texts.map(toolInput), ms, json),
    measure("1 KiB Bash tool_input (scanJson)", [bashInput(1024)], ms, json),
    measure("16 KiB Write tool_input (scanJson)", [writeInput(16 * 1024)], ms, json),
  ];
}

function blockedByFile(scanner: Scanner, items: readonly Item[]): ScannerResult["blocked"] {
  return Object.fromEntries(["positives.jsonl", "negatives.jsonl", "evasions.jsonl"].map((file) => {
    const list = items.filter((i) => i.file === file);
    const blocked = list.filter((i) => scanner.scanJson(toolInput(i.text)).findings.length > 0).length;
    return [file, { items: list.length, blocked }];
  }));
}

if (import.meta.main) {
  const input = await readInput<ScannerInput>();
  const items = loadCorpus();
  const texts = items.map((i) => i.text);
  const scanner = createScanner({ fingerprintKey: new Uint8Array(32).fill(7) });
  const docs = mixedDocuments(texts);
  const docBytes = docs.reduce((n, d) => n + utf8(d), 0);
  const corpusBytes = texts.reduce((n, t) => n + utf8(t), 0);
  const throughput = throughputs(scanner, docs, texts, input.ms);
  const latencies = [
    latency("1 KiB Bash tool_input", scanner, bashInput(1024), input.ms),
    latency("1 KiB code tool_input (credential words)", scanner, toolArgument(1024), input.ms),
    latency("64 KiB Write tool_input", scanner, writeInput(64 * 1024), input.ms),
  ];
  const blocked = blockedByFile(scanner, items);
  const e2e = await scoreEndToEnd(items, input.databaseUrl);
  const mixed = {
    documents: docs.length,
    bytes: docBytes,
    docBytes: DOC_BYTES,
    spacing: SPACING,
    corpusShare: round((corpusBytes / docBytes) * 100),
  };
  console.log(
    JSON.stringify(
      { corpusBytes, mixed, throughput, latency: latencies, blocked, e2e } satisfies ScannerResult,
    ),
  );
  if (e2e.disagreements.length > 0 || e2e.badDenyTexts.length > 0) {
    console.error(
      `scanner e2e: verdicts differ from in-process for ${e2e.disagreements.join(", ") || "none"}; ` +
        `deny texts off §6 for ${e2e.badDenyTexts.join(", ") || "none"}`,
    );
    Deno.exit(1);
  }
}
