/**
 * The public secrets corpus (`../shared/corpora/secrets`) and its scoring as its README says:
 * precision, recall and F1 per family, overall and per evasion technique, with every false positive
 * and false negative listed. Items are fed as the gateway sees them (`toolInput`: a text that parses
 * as a JSON object is that object, anything else `{"input": text}`). Shared by the corpus test, the
 * end-to-end test and the benchmark.
 */
import { scanJson } from "../src/domain/scanner/mod.ts";

const CORPUS = new URL("../../shared/corpora/secrets/", import.meta.url);
export const OPTIONS = { fingerprintKey: new TextEncoder().encode("corpus-pepper") };

export interface Item {
  readonly id: string;
  readonly text: string;
  readonly expect: "secret" | "clean";
  readonly family: string;
  readonly technique?: string;
  readonly file: string;
}

export interface Decision {
  readonly item: Item;
  readonly blocked: boolean;
  readonly detectors: readonly string[];
}

export function loadCorpus(): Item[] {
  return ["positives.jsonl", "negatives.jsonl", "evasions.jsonl"].flatMap((file) =>
    Deno.readTextFileSync(new URL(file, CORPUS)).trim().split("\n").map((line) => ({
      ...JSON.parse(line),
      file,
    }))
  );
}

/** The corpus README's feeding rule (what `POST /api/public/hooks/govern` receives as `tool_input`). */
export function toolInput(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch {
    // not JSON: sent as {"input": text}
  }
  return { input: text };
}

/** In-process decisions: blocked when the scanner reports any finding (the default actions). */
export function decide(items: readonly Item[]): Decision[] {
  return items.map((item) => {
    const { findings } = scanJson(toolInput(item.text), OPTIONS);
    return { item, blocked: findings.length > 0, detectors: findings.map((f) => f.detectorId) };
  });
}

export interface Score {
  readonly name: string;
  readonly secrets: number;
  readonly clean: number;
  readonly tp: number;
  readonly fn: number;
  readonly fp: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export function score(name: string, decisions: readonly Decision[]): Score {
  const secret = decisions.filter((d) => d.item.expect === "secret");
  const clean = decisions.filter((d) => d.item.expect === "clean");
  const tp = secret.filter((d) => d.blocked).length;
  const fp = clean.filter((d) => d.blocked).length;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = secret.length === 0 ? 1 : tp / secret.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    name,
    secrets: secret.length,
    clean: clean.length,
    tp,
    fn: secret.length - tp,
    fp,
    precision,
    recall,
    f1,
  };
}

function groupBy(decisions: readonly Decision[], key: (d: Decision) => string): Map<string, Decision[]> {
  const groups = new Map<string, Decision[]>();
  for (const d of decisions) groups.set(key(d), [...(groups.get(key(d)) ?? []), d]);
  return groups;
}

export function familyScores(decisions: readonly Decision[]): Score[] {
  return [...groupBy(decisions, (d) => d.item.family)].map(([f, ds]) => score(f, ds)).sort((a, b) =>
    a.name.localeCompare(b.name)
  );
}

/** Unweighted mean F1 over families with ≥ 5 secret items, the rest pooled as `other`. */
export function macroF1(decisions: readonly Decision[]): number {
  const big = new Set(familyScores(decisions).filter((s) => s.secrets >= 5).map((s) => s.name));
  const pooled = groupBy(
    decisions.filter((d) => d.item.expect === "secret" || big.has(d.item.family)),
    (d) => big.has(d.item.family) ? d.item.family : "other",
  );
  const f1s = [...pooled].map(([name, ds]) => score(name, ds).f1);
  return f1s.reduce((a, b) => a + b, 0) / f1s.length;
}

const pct = (n: number): string => n.toFixed(3);

export function formatTable(scores: readonly Score[]): string {
  const head = "group                secret clean   TP   FN   FP      P      R     F1";
  const rows = scores.map((s) =>
    `${s.name.padEnd(20)} ${String(s.secrets).padStart(6)} ${String(s.clean).padStart(5)} ${
      String(s.tp).padStart(4)
    } ` +
    `${String(s.fn).padStart(4)} ${String(s.fp).padStart(4)} ${pct(s.precision).padStart(6)} ${
      pct(s.recall).padStart(6)
    } ${pct(s.f1).padStart(6)}`
  );
  return [head, ...rows].join("\n");
}

export function report(decisions: readonly Decision[]): string {
  const main = decisions.filter((d) => d.item.file !== "evasions.jsonl");
  const evasions = decisions.filter((d) => d.item.file === "evasions.jsonl");
  const fromCs = main.filter((d) => d.item.id.startsWith("cs-"));
  const lines = [
    formatTable([...familyScores(main), score("OVERALL (pos+neg)", main)]),
    "",
    formatTable([
      ...[...groupBy(evasions, (d) => d.item.technique ?? "?")].map(([t, ds]) => score(t, ds)),
      score("EVASIONS", evasions),
    ]),
    "",
    formatTable([
      score("CredSweeper subset", fromCs),
      score("other sources", main.filter((d) => !d.item.id.startsWith("cs-"))),
    ]),
    `macro-F1 (families ≥ 5 secrets + other): ${macroF1(main).toFixed(4)}`,
    `false negatives: ${
      decisions.filter((d) => d.item.expect === "secret" && !d.blocked).map((d) => d.item.id).join(", ") ||
      "none"
    }`,
    `false positives: ${
      decisions.filter((d) => d.item.expect === "clean" && d.blocked).map((d) =>
        `${d.item.id} (${d.detectors.join(",")})`
      ).join(", ") || "none"
    }`,
  ];
  return lines.join("\n");
}
