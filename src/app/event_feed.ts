import eventsAfterSql from "@sql/queries/events/events_after.sql" with { type: "text" };
import type { Db } from "@infra/db/db.ts";

/**
 * A live feed of outbox events for one subscriber (SSE): every process's events arrive through
 * `NOTIFY sp_events`; the feed then reads the outbox after the last id it delivered, so nothing is
 * skipped or repeated, and a reconnect with `Last-Event-ID` resumes where it stopped.
 */
export interface FeedEvent {
  readonly id: number;
  readonly kind: string;
  readonly traceId: string | null;
  readonly payload: unknown;
  readonly createdAt: Date;
}

export interface EventFeed {
  close(): Promise<void>;
}

const PAGE = 500;

export async function openEventFeed(
  db: Db,
  afterId: number | undefined,
  deliver: (event: FeedEvent) => Promise<void>,
): Promise<EventFeed> {
  let last = afterId ??
    (await db.one<{ id: number }>("select coalesce(max(id), 0)::int8 as id from event_outbox")).id;
  let pumping: Promise<void> = Promise.resolve();
  let closed = false;
  const pump = async () => {
    while (!closed) {
      const rows = await db.many<
        { id: number; kind: string; trace_id: string | null; payload: unknown; created_at: Date }
      >(
        eventsAfterSql,
        [last, PAGE],
      );
      for (const r of rows) {
        if (closed) return;
        await deliver({
          id: r.id,
          kind: r.kind,
          traceId: r.trace_id,
          payload: r.payload,
          createdAt: r.created_at,
        });
        last = r.id;
      }
      if (rows.length < PAGE) return;
    }
  };
  const schedule = () => {
    pumping = pumping.then(pump).catch(() => {});
  };
  const listener = await db.listen("sp_events", schedule);
  if (afterId !== undefined) schedule();
  return {
    close: async () => {
      closed = true;
      await listener.unlisten();
      await pumping;
    },
  };
}
