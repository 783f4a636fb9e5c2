/**
 * The harness `proto_audit_cost.ts` and `proto_append_shapes.ts` share: a scratch database on the
 * test PostgreSQL server with the schema migrated and a chain started, one-row appends through the
 * shipped `sp_audit_append`, the plain INSERT of the same JSON the llm suite's `proxy-floor-write`
 * makes, and a paced measurement (2 ms apart: the llm suite's 500 req/s, where every call pays its
 * own round trip) printing latency and the client's and the database's CPU per call.
 */
import { appendAfter, appendChained, type ChainState, type SequencerDeps } from "@domain/audit/sequencer.ts";
import { DEFAULT_CHECKPOINT_POLICY } from "@domain/audit/checkpoint.ts";
import type { Db } from "@infra/db/db.ts";
import { openPostgresDb } from "@infra/db/postgres_db.ts";
import { migrate } from "@infra/db/migrate.ts";
import { systemClock } from "@shared/clock.ts";
import { startPgServer } from "../support/pg_server.ts";
import { createDatabase, postmasterPid } from "./bench_env.ts";
import { createHistogram, summarize } from "./hdr.ts";
import { markCpu } from "./proc_stats.ts";
import { record } from "./proto_append.ts";

export interface AppendBench extends AsyncDisposable {
  readonly db: Db;
  /** The chain head after the last append, for statements that chain rows themselves. */
  state: ChainState;
  /** One `sp_audit_append` of one row (the shipped one-round-trip path). */
  shipped(): Promise<void>;
  /** One committed INSERT of a row's JSON into a table with a key only. */
  plain(): Promise<void>;
  /** `n` paced calls of `run`: p50, p99, client and database CPU per call. */
  measure(name: string, run: () => Promise<void>): Promise<void>;
}

const pace = () => new Promise((r) => setTimeout(r, 2));

export async function openAppendBench(n: number, nameWidth: number): Promise<AppendBench> {
  const pg = await startPgServer();
  const scratch = await createDatabase(pg);
  const db = openPostgresDb({ url: scratch.url, max: 4 });
  await migrate(db);
  await db.exec(
    "create table plain_rows (id bigint generated always as identity primary key, payload jsonb)",
  );
  const postmaster = await postmasterPid(pg);
  const deps: SequencerDeps = {
    db,
    signer: { keyId: "proto", sign: () => "unsigned" },
    clock: systemClock,
    policy: { ...DEFAULT_CHECKPOINT_POLICY, everyRows: 1e9, maxAgeMs: 1e9 },
  };
  const bench: AppendBench = {
    db,
    state: (await appendChained(deps, [record()], { dedupe: false })).state,
    shipped: async () => {
      const done = await appendAfter(deps, bench.state, [record()]);
      if (!done) throw new Error("the one-round-trip path declined");
      bench.state = done.state;
    },
    plain: async () => {
      await db.one("insert into plain_rows (payload) values ($1::jsonb) returning id", [
        JSON.stringify(record()),
      ]);
    },
    measure: async (name, run) => {
      const h = createHistogram();
      const from = await markCpu(Deno.pid, postmaster);
      for (let i = 0; i < n; i++) {
        await pace();
        const started = performance.now();
        await run();
        h.record(performance.now() - started);
      }
      const to = await markCpu(Deno.pid, postmaster);
      const us = (seconds: number) => Math.round((seconds * 1e6) / n);
      const s = summarize(h);
      console.log(
        `${name.padEnd(nameWidth)} p50 ${s.p50} ms  p99 ${s.p99} ms  client cpu ${
          us(to.server - from.server)
        } µs  ` +
          `db cpu ${us(to.db - from.db)} µs`,
      );
    },
    [Symbol.asyncDispose]: async () => {
      await db.close();
      await scratch.drop();
      await pg[Symbol.asyncDispose]();
    },
  };
  return bench;
}
