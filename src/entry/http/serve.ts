import type { AppContext } from "@app/context.ts";
import { AppError } from "@shared/errors.ts";
import { startIdleMemory } from "@infra/runtime/idle_memory.ts";
import { createHttpApp } from "./app.ts";
import { problemFor } from "./problem.ts";

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops taking new requests, lets in-flight ones finish (bounded), then closes the listener. */
  shutdown(): Promise<void>;
  readonly finished: Promise<void>;
}

const DRAIN_LIMIT_MS = 8_000;

/**
 * Serves the app. Shutdown drains before it closes: Deno's `server.shutdown()` would cut off
 * request bodies still arriving, so in-flight requests are counted and awaited first, while new
 * ones get 503 with `connection: close`. Memory a burst grew is given back once requests stop
 * (infra/runtime/idle_memory.ts).
 */
export function startHttpServer(ctx: AppContext, options: { hostname: string; port: number }): RunningServer {
  const app = createHttpApp(ctx);
  const idleMemory = startIdleMemory({ log: ctx.log });
  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | undefined;
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
    onError: (error) => {
      ctx.log.error("http.serve_error", { error });
      return new Response("internal error", { status: 500 });
    },
  }, async (request, info) => {
    if (draining) return shuttingDown();
    idleMemory.touch();
    inFlight++;
    try {
      return await app.fetch(request, info);
    } finally {
      if (--inFlight === 0) idle?.();
    }
  });
  const addr = server.addr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const url = `http://${host}:${addr.port}`;
  ctx.log.info("http.listening", { url });
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      draining = true;
      const drained = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve));
      const inTime = await withinLimit(drained, DRAIN_LIMIT_MS);
      if (!inTime) ctx.log.warn("http.drain_timeout", { limit_ms: DRAIN_LIMIT_MS, in_flight: inFlight });
      await withinLimit(server.shutdown(), 1_000);
      idleMemory[Symbol.dispose]();
    })();
    return stopping;
  };
  return { url, port: addr.port, shutdown, finished: server.finished };
}

function shuttingDown(): Response {
  const body = problemFor(
    new AppError("service.unavailable", "the server is shutting down; retry on another instance"),
  );
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": "application/problem+json", connection: "close", "retry-after": "1" },
  });
}

async function withinLimit(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), limit]);
  } finally {
    clearTimeout(timer);
  }
}
