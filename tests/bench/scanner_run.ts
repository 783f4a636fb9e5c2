/**
 * `scanner` suite, child process: secret-scanner throughput in MiB/s (UTF-8 bytes of input scanned
 * per second, one thread) over the public corpus `../shared/corpora/secrets` (read-only), each
 * item scanned as one text (`scanText`) and, per the corpus's feeding rule, as tool arguments
 * (`scanJson` of the parsed object or `{"input": text}`); plus the 1 KiB / 16 KiB bench arguments.
 * Also counts items blocked (≥ 1 finding, as the `secret_scan` stage decides) per corpus file.
 * Precision/recall per family is the scanner's own benchmark (tests/bench/scanner_bench.ts).
 */
import { scanJson, scanText } from "@domain/scanner/mod.ts";
import { readInput } from "./stdin_json.ts";
import { bashInput, writeInput } from "./fixtures.ts";

export interface ScannerInput {
  readonly corpusDir: string;
  /** Measuring time per workload. */
  readonly ms: number;
}

export interface Throughput {
  readonly name: string;
  readonly bytes: number;
  readonly items: number;
  readonly mibPerSecond: number;
  /** Mean time per item scan (µs). */
  readonly usPerItem: number;
}

export interface ScannerResult {
  readonly corpusBytes: number;
  readonly throughput: readonly Throughput[];
  readonly blocked: Readonly<Record<string, { items: number; blocked: number }>>;
}

interface Item {
  readonly text: string;
  readonly expect: string;
}

const options = { fingerprintKey: new Uint8Array(32).fill(7) };
const utf8 = (s: string) => new TextEncoder().encode(s).byteLength;

function feed(text: string): unknown {
  try {
    const value = JSON.parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value;
  } catch { /* not JSON */ }
  return { input: text };
}

function measure(
  name: string,
  inputs: readonly unknown[],
  bytes: number,
  ms: number,
  scan: (x: unknown) => void,
) {
  for (const x of inputs) scan(x); // warm-up: one round
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
    mibPerSecond: Math.round(((bytes * rounds) / seconds / 1024 / 1024) * 10) / 10,
    usPerItem: Math.round(((seconds * 1e6) / (rounds * inputs.length)) * 10) / 10,
  };
}

async function loadCorpus(dir: string): Promise<Map<string, Item[]>> {
  const files = new Map<string, Item[]>();
  for (const name of ["positives.jsonl", "negatives.jsonl", "evasions.jsonl"]) {
    const text = await Deno.readTextFile(`${dir}/${name}`);
    files.set(name, text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Item));
  }
  return files;
}

if (import.meta.main) {
  const input = await readInput<ScannerInput>();
  const corpus = await loadCorpus(input.corpusDir);
  const items = [...corpus.values()].flat();
  const texts = items.map((i) => i.text);
  const corpusBytes = texts.reduce((n, t) => n + utf8(t), 0);
  const fed = texts.map(feed);
  const small = [bashInput(1024)];
  const large = [writeInput(16 * 1024)];
  const throughput: Throughput[] = [
    measure(
      "corpus, scanText per item",
      texts,
      corpusBytes,
      input.ms,
      (t) => scanText(t as string, "prompt.text", options),
    ),
    measure(
      "corpus, scanJson per item (feeding rule)",
      fed,
      corpusBytes,
      input.ms,
      (v) => scanJson(v, options),
    ),
    measure(
      "1 KiB Bash tool_input (scanJson)",
      small,
      utf8(JSON.stringify(small[0])),
      input.ms,
      (v) => scanJson(v, options),
    ),
    measure(
      "16 KiB Write tool_input (scanJson)",
      large,
      utf8(JSON.stringify(large[0])),
      input.ms,
      (v) => scanJson(v, options),
    ),
  ];
  const blocked = Object.fromEntries(
    [...corpus].map(([file, list]) => [file, {
      items: list.length,
      blocked: list.filter((i) => scanText(i.text, "prompt.text", options).findings.length > 0).length,
    }]),
  );
  console.log(JSON.stringify({ corpusBytes, throughput, blocked } satisfies ScannerResult));
}
