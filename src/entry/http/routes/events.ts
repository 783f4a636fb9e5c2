import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { openEventFeed } from "@app/event_feed.ts";
import type { Db } from "@infra/db/db.ts";
import type { HttpEnv } from "../env.ts";

const HEARTBEAT_MS = 15_000;

/** `GET /api/v1/events/stream` (admin): audit and system events as Server-Sent Events. */
export function eventRoutes(deps: { db: Db }): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/stream", (c) => {
    const lastId = Number(c.req.header("last-event-id") ?? c.req.query("after") ?? NaN);
    return streamSSE(c, async (stream) => {
      const feed = await openEventFeed(
        deps.db,
        Number.isSafeInteger(lastId) ? lastId : undefined,
        async (e) => {
          await stream.writeSSE({
            id: String(e.id),
            event: e.kind,
            data: JSON.stringify({
              id: e.id,
              kind: e.kind,
              trace_id: e.traceId,
              created_at: e.createdAt,
              payload: e.payload,
            }),
          });
        },
      );
      const closed = Promise.withResolvers<void>();
      stream.onAbort(() => closed.resolve());
      await stream.writeSSE({ event: "ready", data: "{}" });
      while (!stream.aborted && !stream.closed) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const tick = new Promise<void>((resolve) => (timer = setTimeout(resolve, HEARTBEAT_MS)));
        await Promise.race([tick, closed.promise]);
        clearTimeout(timer);
        if (!stream.aborted) await stream.write(": keep-alive\n\n").catch(() => closed.resolve());
      }
      await feed.close();
    });
  });
  return app;
}
