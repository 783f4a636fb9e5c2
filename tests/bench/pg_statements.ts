/**
 * Investigation aid, off by default: with `BENCH_PGSS=1` the bench's PostgreSQL loads
 * pg_stat_statements and the llm suite prints, after the gateway's measurement at 500 req/s, the
 * statements that took the most time during it (top level, then those run inside functions).
 * Execution time includes lock waits: compare it with the `db` CPU column, not as CPU.
 */
import { openPostgresDb } from "@infra/db/postgres_db.ts";

export const statementsWanted = (): boolean => Deno.env.get("BENCH_PGSS") === "1";

interface StatementRow {
  readonly calls: number;
  readonly ms: number;
  readonly query: string;
}

const TOP = `select calls::int, round(total_exec_time::numeric, 1)::float8 as ms,
    left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as query
  from pg_stat_statements where toplevel = $1 order by total_exec_time desc limit $2`;

/** Runs `measure` between a reset of pg_stat_statements and a report of what it counted. */
export async function withStatementReport<T>(databaseUrl: string, measure: () => Promise<T>): Promise<T> {
  const db = openPostgresDb({ url: databaseUrl, max: 1 });
  try {
    await db.query("create extension if not exists pg_stat_statements");
    await db.query("select pg_stat_statements_reset()");
    const result = await measure();
    for (
      const [label, toplevel, limit] of [["top level", true, 12], ["inside functions", false, 20]] as const
    ) {
      console.log(`-- pg_stat_statements, ${label}: total ms, calls, statement`);
      for (const r of await db.many<StatementRow>(TOP, [toplevel, limit])) {
        console.log(`${String(r.ms).padStart(9)} ${String(r.calls).padStart(7)}  ${r.query}`);
      }
    }
    return result;
  } finally {
    await db.close();
  }
}
