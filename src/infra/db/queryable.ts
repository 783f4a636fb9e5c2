import { AppError } from "@shared/errors.ts";
import type { Queryable, QueryResult, Row, SqlParam } from "./db.ts";

type QueryFn = <T = Row>(sql: string, params?: readonly SqlParam[]) => Promise<QueryResult<T>>;

/** Builds the row helpers of the port from one adapter-specific `query` and `exec`. */
export function createQueryable(query: QueryFn, exec: (sql: string) => Promise<void>): Queryable {
  return {
    query,
    exec,
    many: async <T = Row>(sql: string, params?: readonly SqlParam[]) => (await query<T>(sql, params)).rows,
    maybeOne: async <T = Row>(sql: string, params?: readonly SqlParam[]) => {
      const { rows } = await query<T>(sql, params);
      return rows[0];
    },
    one: async <T = Row>(sql: string, params?: readonly SqlParam[]) => {
      const { rows } = await query<T>(sql, params);
      if (rows.length !== 1) {
        throw new AppError("db.query_failed", "expected exactly one row", { data: { rows: rows.length } });
      }
      return rows[0]!;
    },
  };
}
