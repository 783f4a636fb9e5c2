/**
 * `scanner` suite, end-to-end half: every corpus item through the product's own HTTP app
 * (`POST /api/public/hooks/govern`, in process: the full middleware, authentication, governance
 * chain and durable audit, no socket), one `Write` call per item, each in its own session, fed by
 * the corpus README's rule; scored like the in-process decisions and compared item by item. The
 * two must agree: any disagreement fails the suite (listed by id).
 */
import { createHttpApp } from "@entry/http/app.ts";
import { decide, type Decision, type Item, type Score, score } from "../scanner_corpus.ts";
import { governItems } from "../scanner_feed.ts";
import { openBenchContext } from "./bench_context.ts";

export interface ScoreSet {
  /** positives + negatives: precision, recall, F1. */
  readonly main: Score;
  /** evasions: recall. */
  readonly evasions: Score;
}

export interface EndToEndResult {
  readonly items: number;
  readonly db: "postgres" | "pglite";
  readonly seconds: number;
  readonly inProcess: ScoreSet;
  readonly endToEnd: ScoreSet;
  /** Item ids whose verdicts differ (must be empty). */
  readonly disagreements: readonly string[];
  /** Denials whose text does not follow ARCHITECTURE §6 (must be empty). */
  readonly badDenyTexts: readonly string[];
}

const DENY_TEXT = /^\[GOVERNANCE\] secret detected: .+ \(.*\.\.\.\[REDACTED\]\)(?: \(\+\d+ more\))?$/;

function scores(decisions: readonly Decision[]): ScoreSet {
  return {
    main: score("pos+neg", decisions.filter((d) => d.item.file !== "evasions.jsonl")),
    evasions: score("evasions", decisions.filter((d) => d.item.file === "evasions.jsonl")),
  };
}

export async function scoreEndToEnd(items: readonly Item[], databaseUrl: string | undefined) {
  await using bench = await openBenchContext(databaseUrl);
  const app = createHttpApp(bench.ctx);
  const started = performance.now();
  const verdicts = await governItems(app, bench.token, items, 16);
  const seconds = (performance.now() - started) / 1000;
  const local = decide(items);
  const viaHook: Decision[] = verdicts.map((v) => ({ item: v.item, blocked: v.blocked, detectors: [] }));
  const result: EndToEndResult = {
    items: items.length,
    db: databaseUrl ? "postgres" : "pglite",
    seconds: Math.round(seconds * 10) / 10,
    inProcess: scores(local),
    endToEnd: scores(viaHook),
    disagreements: verdicts.filter((v, i) => v.blocked !== local[i]?.blocked).map((v) => v.item.id),
    badDenyTexts: verdicts.filter((v) => v.blocked && !DENY_TEXT.test(v.reason ?? "")).map((v) => v.item.id),
  };
  return result;
}
