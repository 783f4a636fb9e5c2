import type { PointResult } from "./measure.ts";
import type { AllResults } from "./report_types.ts";
import type { HookModeResult } from "./suite_hook.ts";

/** The targets of issue 9 / ARCHITECTURE §12, checked against a run's results. */
export interface TargetRow {
  readonly target: string;
  readonly measured: string;
  readonly holds: "yes" | "no" | "n/a";
}

const ORIGINAL_DECISIONS_PER_SECOND = 3308;

export function pointOf(
  mode: HookModeResult | undefined,
  route: string,
  point: string,
): PointResult | undefined {
  return mode?.points.find((p) => p.route === route && p.point === point);
}

/** The best closed-loop throughput of a route (its saturation). */
export function saturation(mode: HookModeResult | undefined, route: string): PointResult | undefined {
  return mode?.points.filter((p) => p.route === route && p.point.startsWith("c="))
    .sort((a, b) => b.median.achievedRps - a.median.achievedRps)[0];
}

const verdict = (ok: boolean | undefined): TargetRow["holds"] => ok === undefined ? "n/a" : ok ? "yes" : "no";
const ratio = (a: number, b: number) => (b === 0 ? "–" : `${(a / b).toFixed(2)}×`);

function hookTargets(r: AllResults): TargetRow[] {
  const pg = r.hook?.modes.find((m) => m.db === "postgres");
  const at1000 = pointOf(pg, "hook", "1000/s");
  const sat = saturation(pg, "hook");
  const floorDb = saturation(pg, "floor-db");
  const c200 = pointOf(pg, "hook", "c=200");
  const rows: TargetRow[] = [];
  rows.push({
    target: "hook @ 1,000 req/s: p50 ≤ 1.5 ms",
    measured: at1000 ? `p50 ${at1000.median.p50} ms` : "not measured",
    holds: verdict(at1000 && at1000.median.p50 <= 1.5),
  });
  rows.push({
    target: "hook @ 1,000 req/s: p99 ≤ 5 ms",
    measured: at1000 ? `p99 ${at1000.median.p99} ms` : "not measured",
    holds: verdict(at1000 && at1000.median.p99 <= 5),
  });
  rows.push({
    target: "hook @ 1,000 req/s: zero errors, every decision audited, chain verifies",
    measured: pg
      ? `${
        at1000?.median.errors ?? "?"
      } errors; ${pg.audit.rowsAdded} rows for ${pg.audit.hookReplies} replies; ` +
        `verify ${pg.audit.verify.ok ? "ok" : "FAILED"} (${pg.audit.verify.rowsChecked} rows)`
      : "not measured",
    holds: verdict(pg && at1000 && at1000.median.errors === 0 && pg.audit.allAudited && pg.audit.verify.ok),
  });
  rows.push({
    target: "hook saturation ≥ 0.5 × floor-db",
    measured: sat && floorDb
      ? `${sat.median.achievedRps} vs ${floorDb.median.achievedRps} req/s (${
        ratio(sat.median.achievedRps, floorDb.median.achievedRps)
      })`
      : "not measured",
    holds: verdict(sat && floorDb && sat.median.achievedRps >= 0.5 * floorDb.median.achievedRps),
  });
  rows.push({
    target: `hook saturation ≥ ${ORIGINAL_DECISIONS_PER_SECOND} decisions/s`,
    measured: sat ? `${sat.median.achievedRps} decisions/s (${sat.point})` : "not measured",
    holds: verdict(sat && sat.median.achievedRps >= ORIGINAL_DECISIONS_PER_SECOND),
  });
  rows.push({
    target: "idle RSS ≤ 150 MiB (PostgreSQL server database)",
    measured: pg
      ? `${pg.idleRssMiB} MiB at start, ${pg.idleRssAfterMiB} MiB idle after the load`
      : "not measured",
    holds: verdict(pg && Math.max(pg.idleRssMiB, pg.idleRssAfterMiB) <= 150),
  });
  rows.push({
    target: "RSS at c = 200 ≤ 300 MiB",
    measured: c200 ? `${c200.median.rssMaxMiB} MiB max` : "not measured",
    holds: verdict(c200 && c200.median.rssMaxMiB <= 300),
  });
  return rows;
}

export function evaluateTargets(r: AllResults): TargetRow[] {
  const pipe = r.pipeline?.find((m) => m.db === "postgres")?.result.cases.find((c) => c.inputBytes <= 2048);
  return [
    {
      target: "pipeline: decision (evaluateChain) p99 ≤ 0.5 ms, 1 KiB",
      measured: pipe
        ? `p99 ${pipe.chain.p99} ms (p50 ${pipe.chain.p50}); with durable audit p99 ${pipe.decide.p99} ms`
        : "not measured",
      holds: verdict(pipe && pipe.chain.p99 <= 0.5),
    },
    ...hookTargets(r),
    {
      target: "mcp: governed tools/call p99 overhead ≤ 5 ms @ 500 req/s",
      measured: r.mcp?.overhead
        ? `+${r.mcp.overhead.p99} ms p99 (+${r.mcp.overhead.p50} ms p50) over the ungoverned server`
        : r.mcp?.note ?? "not measured",
      holds: verdict(r.mcp?.overhead ? r.mcp.overhead.p99 <= 5 : undefined),
    },
    {
      target: "llm: /v1 proxy p99 overhead ≤ 2 ms @ 500 req/s",
      measured: r.llm?.overhead
        ? `+${r.llm.overhead.p99} ms p99 (+${r.llm.overhead.p50} ms p50) over calling the upstream directly` +
          (r.llm.leanFloor
            ? `; the leanest durable proxy on this host (proxy-floor-lean) +${r.llm.leanFloor.p99} ms p99 ` +
              `(+${r.llm.leanFloor.p50} ms p50)`
            : "")
        : r.llm?.note ?? "not measured",
      holds: verdict(r.llm?.overhead ? r.llm.overhead.p99 <= 2 : undefined),
    },
    portkeyRow(r.llm),
    ...scannerTargets(r),
  ];
}

/** Our `/v1` overhead beside Portkey's on the same fake upstream, same run, as ratios. */
function portkeyRow(llm: AllResults["llm"]): TargetRow {
  const target = "llm: overhead below Portkey's in the same run";
  const ours = llm?.overhead;
  const theirs = llm?.portkey?.overhead;
  if (!ours || !theirs) {
    return { target, measured: llm?.portkey?.note ?? "Portkey not measured", holds: "n/a" };
  }
  return {
    target,
    measured: `ours +${ours.p99} ms p99 / +${ours.p50} ms p50 vs Portkey +${theirs.p99} ms p99 / ` +
      `+${theirs.p50} ms p50 (ours ÷ Portkey's: p99 ${ratio(ours.p99, theirs.p99)}, p50 ${
        ratio(ours.p50, theirs.p50)
      })`,
    holds: verdict(ours.p99 < theirs.p99 && ours.p50 < theirs.p50),
  };
}

function scannerTargets(r: AllResults): TargetRow[] {
  const s = r.scanner?.throughput;
  const mixed = s?.throughput.find((t) => t.name.startsWith("mixed text, scanText"));
  const corpus = s?.throughput.find((t) => t.name.startsWith("corpus, scanText"));
  const small = s?.latency?.filter((l) => l.name.startsWith("1 KiB")).sort((a, b) => b.p99Us - a.p99Us)[0];
  const e2e = s?.e2e;
  return [
    {
      target: "scanner ≥ 50 MiB/s on mixed text",
      measured: mixed
        ? `${mixed.mibPerSecond} MiB/s (16 KiB documents, one thread); corpus per item ${
          corpus?.mibPerSecond ?? "?"
        } MiB/s`
        : "not measured",
      holds: verdict(mixed && mixed.mibPerSecond >= 50),
    },
    {
      target: "scanner p99 ≤ 0.2 ms for a 1 KiB argument (scanJson)",
      measured: small
        ? `p99 ${small.p99Us} µs (p50 ${small.p50Us} µs), worst 1 KiB case: ${small.name}`
        : "not measured",
      holds: verdict(small && small.p99Us <= 200),
    },
    {
      target: "scanner corpus: recall ≥ 0.97 positives, ≥ 0.95 evasions, FP rate ≤ 1 %; hook agrees",
      measured: e2e
        ? `recall ${e2e.endToEnd.main.recall.toFixed(3)} / evasions ${
          e2e.endToEnd.evasions.recall.toFixed(3)
        }, ` +
          `FP ${e2e.endToEnd.main.fp}/${e2e.endToEnd.main.clean}; ${e2e.disagreements.length} disagreements`
        : "not measured",
      holds: verdict(
        e2e && e2e.endToEnd.main.recall >= 0.97 && e2e.endToEnd.evasions.recall >= 0.95 &&
          e2e.endToEnd.main.fp <= 0.01 * e2e.endToEnd.main.clean && e2e.disagreements.length === 0,
      ),
    },
  ];
}
