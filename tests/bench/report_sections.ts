import type { PointResult } from "./measure.ts";
import type { AllResults } from "./report_types.ts";
import type { ScannerResult } from "./scanner_run.ts";
import type { Score } from "../scanner_corpus.ts";

/** Markdown helpers and the per-suite sections of RESULTS.md other than the hook suite. */
export const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]) =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ]
    .join("\n");

export const ratio = (a: number, b: number) => (b === 0 ? "–" : `${(a / b).toFixed(2)}×`);

export function pointRow(p: PointResult): (string | number)[] {
  const m = p.median;
  return [
    p.route,
    p.point,
    m.achievedRps,
    m.p50,
    m.p90,
    m.p99,
    m.max,
    m.errors,
    m.serverCpu,
    m.dbCpu ?? "–",
    m.generatorCpu,
    m.otherCpu,
    m.serverCpuMsPerRequest,
    m.dbCpuMsPerRequest ?? "–",
    m.rssMaxMiB,
    p.passes.length,
  ];
}

export function pipelineSection(r: AllResults): string {
  if (!r.pipeline) return "## pipeline\n\nnot measured in this run\n";
  const rows = r.pipeline.flatMap((m) =>
    m.result.cases.flatMap((c) =>
      (["authenticate", "chain", "decide"] as const).map((k) => [
        m.db,
        c.inputBytes,
        k === "chain"
          ? "evaluateChain"
          : k === "decide"
          ? "decide (chain + durable audit row)"
          : "authenticate (JWT)",
        c[k].p50,
        c[k].p90,
        c[k].p99,
        c[k].max,
        c[k].count,
      ])
    )
  );
  const stageRows = r.pipeline.flatMap((m) =>
    m.result.cases.map((c) => [
      m.db,
      c.inputBytes,
      ...Object.entries(c.stages).map(([id, s]) => `${id} ${s.p50}/${s.p99}`),
    ])
  );
  return `## pipeline: in-process decision latency (no HTTP), one call at a time

${table(["db", "arg bytes", "measured", "p50", "p90", "p99", "max", "calls"], rows)}

Per stage (p50/p99 ms, from the chain's own timings):

${stageRows.map((r) => `- ${r.join(" · ")}`).join("\n")}
`;
}

export function auditSection(r: AllResults): string {
  if (!r.audit) return "## audit\n\nnot measured in this run\n";
  const rows = r.audit.map((m) => {
    const s = m.result.sustained;
    return [
      m.db,
      s.decisionsPerSecond,
      s.appended,
      s.latency.p50,
      s.latency.p99,
      s.cpuMsPerDecision?.process ?? "–",
      s.cpuMsPerDecision?.db ?? "–",
      m.result.verify.ok ? "ok" : "FAILED",
      m.result.verify.rowsPerSecond ?? "–",
    ];
  });
  const stalls = r.audit.flatMap((m) => m.result.stall ? [[m.db, m.result.stall] as const] : []);
  const stallRows = stalls.map(([db, s]) => [
    db,
    `${s.stallMs} ms @ ${s.rate}/s`,
    s.maxDepth,
    s.maxJournalBytes,
    s.journaled,
    s.failed,
    s.appendLatency.p50,
    s.appendLatency.p99,
    s.appendLatency.max,
    s.recoveryMs ?? "did not recover",
  ]);
  return `## audit: the group-commit writer alone

Sustained (256 concurrent appenders, each appending as soon as its last decision is durable; hash chain per
row; the rows' outbox events published after their commits, one statement with its NOTIFY per 20 ms):

${
    table([
      "db",
      "decisions/s",
      "appended",
      "p50 ms",
      "p99 ms",
      "writer ms/decision",
      "db ms/decision",
      "chain verify",
      "verify rows/s",
    ], rows)
  }

PostgreSQL stalled (postmaster and every backend SIGSTOPped, then SIGCONT), decisions due at a fixed rate:

${
    table(
      [
        "db",
        "stall",
        "max queue depth",
        "max journal bytes",
        "journaled",
        "failed",
        "p50 ms",
        "p99 ms",
        "max ms",
        "recovery ms",
      ],
      stallRows,
    )
  }
`;
}

const f3 = (n: number) => n.toFixed(3);

function scoreRows(r: ScannerResult): (string | number)[][] {
  const { inProcess: a, endToEnd: b } = r.e2e;
  return [["positives + negatives", a.main, b.main], ["evasions", a.evasions, b.evasions]].map(
    ([name, x, y]) => {
      const sx = x as Score;
      const sy = y as Score;
      return [
        String(name),
        `${f3(sx.precision)} / ${f3(sx.recall)} / ${f3(sx.f1)} (TP ${sx.tp}, FN ${sx.fn}, FP ${sx.fp})`,
        `${f3(sy.precision)} / ${f3(sy.recall)} / ${f3(sy.f1)} (TP ${sy.tp}, FN ${sy.fn}, FP ${sy.fp})`,
      ];
    },
  );
}

export function scannerSection(r: AllResults): string {
  if (!r.scanner) return "## scanner\n\nnot measured in this run\n";
  const t = r.scanner.throughput;
  const rows = t.throughput.map((x) => [x.name, x.items, x.bytes, x.mibPerSecond, x.usPerItem]);
  const lat = (t.latency ?? []).map((l) => [l.name, l.bytes, l.calls, l.p50Us, l.p99Us]);
  const blocked = Object.entries(t.blocked).map(([f, b]) => `${f}: ${b.blocked}/${b.items} blocked`).join(
    "; ",
  );
  const m = t.mixed;
  const e2e = t.e2e
    ? `

Corpus scores, precision / recall / F1, in process (\`scanJson\` of the fed item) and end to end (one \`Write\`
call per item through \`POST /api/public/hooks/govern\` of the product's app, each in its own session, ${t.e2e.db}
database, ${t.e2e.items} calls in ${t.e2e.seconds} s). Verdicts agree item by item: **${
      t.e2e.disagreements.length === 0 ? "yes" : `NO (${t.e2e.disagreements.join(", ")})`
    }**.

${table(["items", "in-process", "end-to-end (hook)"], scoreRows(t))}`
    : "";
  return `## scanner: throughput (one thread), latency and corpus scores

Mixed text: ${m?.documents ?? "?"} documents of ~${
    m?.docBytes ?? "?"
  } bytes (code, shell and CI logs, JSON tool calls,
Markdown prose) holding every corpus item once, one item after every ~${m?.spacing ?? "?"} bytes of background
(${m?.corpusShare ?? "?"} % of the bytes are corpus text). Corpus ../shared/corpora/secrets per item:
${t.corpusBytes} bytes in 1114 items (~150 bytes each, every one a secret or a near miss: per-call costs dominate).
Through a \`Scanner\` set up once, as the \`secret_scan\` stage's port does.

${table(["workload", "items", "bytes", "MiB/s", "µs per item"], rows)}

\`scanJson\` latency, one call at a time (µs):

${table(["argument", "bytes", "calls", "p50", "p99"], lat)}

As the secret_scan stage decides (≥ 1 finding = deny): ${blocked}.${e2e}
`;
}

export const POINT_HEAD = [
  "route",
  "load",
  "req/s",
  "p50",
  "p90",
  "p99",
  "max",
  "errors",
  "cpu srv",
  "cpu db",
  "cpu gen",
  "other",
  "srv ms/req",
  "db ms/req",
  "RSS MiB",
  "passes",
] as const;

interface SurfaceLike {
  readonly available: boolean;
  readonly note: string;
  readonly points: readonly PointResult[];
  readonly overhead: { readonly p50: number; readonly p99: number } | null;
}

function surfaceSection(title: string, intro: string, s: SurfaceLike | undefined, short: string): string {
  if (!s?.available || !Array.isArray(s.points)) {
    return `## ${short}\n\n${s?.note ?? "not measured in this run"}\n`;
  }
  const overhead = s.overhead ? `p50 +${s.overhead.p50} ms, p99 +${s.overhead.p99} ms` : "–";
  return `## ${title}

${intro}

${table(POINT_HEAD, s.points.map(pointRow))}

Overhead at 500 req/s (medians of per-pass percentiles): ${overhead}.
`;
}

export function mcpSection(r: AllResults): string {
  return surfaceSection(
    "mcp: governed `tools/call` vs the same builtin server ungoverned",
    "`echo` of the builtin `demo` server with a ~220-byte argument over one MCP session (PostgreSQL server " +
      "database); `mcp-floor` is the same server mounted in the bench process without governance.",
    r.mcp,
    "mcp",
  );
}

export function llmSection(r: AllResults): string {
  return surfaceSection(
    "llm: `/v1/messages` through the gateway vs the upstream called directly",
    "A non-streamed Anthropic Messages request to a fake upstream (its own process, answering at once), " +
      "through our gateway (`llm`), through `npm:@portkey-ai/gateway` on the same upstream (`portkey`, its own " +
      "process: the `srv` columns are Portkey's) and straight to the upstream (`llm-direct`: the `srv` columns " +
      "are the upstream's). `proxy-floor-0rt` is our own HTTP stack (the bench process) relaying the same " +
      "request with no authentication, governance, audit or costing; `proxy-floor-2rt` adds two sequential " +
      "bare `select 1` round trips before dispatch, the least a call needs whose charges and decision row are " +
      "durable before the provider is called; `proxy-floor-write` makes one committed INSERT of the request " +
      "body instead, the least a call needs whose charges come from leases; `proxy-floor-lean` is that INSERT " +
      "on a connection of its own speaking the protocol itself and the relay through the gateway's HTTP/1.1 " +
      "client, the product's fastest primitives with nothing else (the `srv` columns of the floors " +
      "are the bench server's). Portkey's errors, when there are any, are `connection closed by server`, " +
      "consistent with its Node server's 5 s keep-alive timeout (`Keep-Alive: timeout=5`) closing pooled " +
      "generator connections that sat idle. " +
      (r.llm?.portkey?.measured === false ? `${r.llm.portkey.note}.` : ""),
    r.llm,
    "llm",
  );
}
