import { Hono } from "hono";
import type { Db } from "@infra/db/db.ts";
import type { HttpEnv } from "../env.ts";

const PING_TIMEOUT_MS = 2_000;

export interface HealthDeps {
  readonly db: Db;
  readonly version: string;
  readonly instanceId: string;
}

/** `GET /api/v1/health` and `/health`: 200 when the database answers, 503 otherwise. */
export function healthRoutes(deps: HealthDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const handler = async (c: { json: (body: unknown, status: 200 | 503) => Response }) => {
    const ok = await pingDatabase(deps.db);
    const body = {
      status: ok ? "healthy" : "unhealthy",
      version: deps.version,
      database: ok ? "ok" : "unreachable",
      instance_id: deps.instanceId,
    };
    return c.json(body, ok ? 200 : 503);
  };
  app.get("/api/v1/health", handler);
  app.get("/health", handler);
  return app;
}

async function pingDatabase(db: Db): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([db.one("select 1 as ok").then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
