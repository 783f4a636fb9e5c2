import type { Context, MiddlewareHandler } from "hono";
import { newRequestId, newTraceId, parseTraceId } from "@shared/ids.ts";
import type { Logger } from "@shared/logger.ts";
import type { MetricsRegistry } from "@infra/metrics/registry.ts";
import type { HttpEnv } from "./env.ts";

/**
 * Edge middleware: a request id, a trace id (the caller's `x-trace-id` when well-formed, else a new
 * one) echoed on the response, a latency histogram by route template, and one log line.
 */
export function requestContext(deps: { metrics: MetricsRegistry; log: Logger }): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = newRequestId();
    const traceId = parseTraceId(c.req.header("x-trace-id")) ?? newTraceId();
    c.set("requestId", requestId);
    c.set("traceId", traceId);
    await next();
    stamp(c, "x-trace-id", traceId);
    stamp(c, "x-request-id", requestId);
    const seconds = (performance.now() - started) / 1000;
    const template = c.req.routePath; // Hono maps every matched route to read it: once per request
    const route = template && template !== "/*" ? template : "unmatched";
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    deps.metrics.counter("http_requests_total", "HTTP requests by route template and status", labels);
    deps.metrics.observe("http_request_duration_seconds", "HTTP request latency by route template", {
      method: c.req.method,
      route,
    }, seconds);
    if (c.res.status >= 500) {
      deps.log.warn("http.request_failed", {
        route,
        status: c.res.status,
        trace_id: traceId,
        request_id: requestId,
      });
    } else {
      deps.log.debug("http.request", {
        route,
        status: c.res.status,
        ms: Math.round(seconds * 1e4) / 10,
        trace_id: traceId,
      });
    }
  };
}

/**
 * Sets a header on the finished response in place. (`c.header` after the handler rebuilds the
 * Response around its body, which turns a string body into a stream and takes Deno's slow path for
 * every answer.) A response whose headers are immutable (one relayed from `fetch`) is rebuilt.
 */
function stamp(c: Context<HttpEnv>, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}
