import type { AppContext } from "@app/context.ts";
import { createHttpApp } from "./app.ts";

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish (bounded), then resolves. */
  shutdown(): Promise<void>;
  readonly finished: Promise<void>;
}

const DRAIN_LIMIT_MS = 8_000;

export function startHttpServer(ctx: AppContext, options: { hostname: string; port: number }): RunningServer {
  const app = createHttpApp(ctx);
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
    onError: (error) => {
      ctx.log.error("http.serve_error", { error });
      return new Response("internal error", { status: 500 });
    },
  }, app.fetch);
  const addr = server.addr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const url = `http://${host}:${addr.port}`;
  ctx.log.info("http.listening", { url });
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= drain(server, ctx);
    return stopping;
  };
  return { url, port: addr.port, shutdown, finished: server.finished };
}

async function drain(server: Deno.HttpServer<Deno.NetAddr>, ctx: AppContext): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      ctx.log.warn("http.drain_timeout", { limit_ms: DRAIN_LIMIT_MS });
      resolve();
    }, DRAIN_LIMIT_MS);
  });
  await Promise.race([server.shutdown(), bound]);
  clearTimeout(timer);
}
