import {
  type AttemptRecord,
  buildUpstreamCall,
  type CallerWire,
  type Candidate,
  type LlmRequest,
  type UpstreamCall,
  upstreamErrorMessage,
} from "@domain/llm/mod.ts";
import { deadlines } from "@shared/coarse_deadlines.ts";
import { AppError } from "@shared/errors.ts";
import type { Secret } from "@shared/secret.ts";

/**
 * Calls the upstreams of a route in order (primary, then fallbacks). Each one gets the first try
 * plus `retries` more, with jittered exponential backoff, on 429, 5xx, timeouts and connection
 * errors — always before the first byte reaches the client. A 4xx that says the request itself is
 * wrong is relayed at once; a rejected provider credential moves on to the next upstream.
 */
export interface UpstreamDeps {
  readonly fetch: typeof fetch;
  readonly retries: number;
  readonly backoffMs: number;
}

export interface UpstreamPlan {
  readonly request: LlmRequest;
  readonly caller: CallerWire;
  readonly candidates: readonly Candidate[];
  readonly timeoutMs: number;
  /** The candidate's provider key (undefined: none needed); throws when it cannot be had. */
  readonly keyOf: (candidate: Candidate) => Promise<Secret | undefined>;
  /** Removes known and detected secrets from texts relayed to the caller. */
  readonly redact: (text: string) => string;
  /** Every try is appended here (recorded with the call, fallbacks included). */
  readonly attempts: AttemptRecord[];
}

export interface OpenUpstream {
  readonly candidate: Candidate;
  readonly response: Response;
  readonly attempts: readonly AttemptRecord[];
  /** Cancels the upstream request (client gone). */
  abort(): void;
  /** Restarts the deadline: a stream may run long, but never sit idle longer than the route's timeout. */
  touch(): void;
  /** Ends the deadline and the link to the client's signal once the body is consumed. */
  release(): void;
}

type Try =
  | { readonly kind: "ok"; readonly open: Omit<OpenUpstream, "candidate" | "attempts"> }
  | { readonly kind: "retry"; readonly outcome: string; readonly status?: number }
  | { readonly kind: "next"; readonly outcome: string; readonly status: number }
  | { readonly kind: "relay"; readonly status: number; readonly message: string };

export async function openUpstream(
  deps: UpstreamDeps,
  plan: UpstreamPlan,
  signal: AbortSignal,
): Promise<OpenUpstream> {
  const attempts = plan.attempts;
  for (const candidate of plan.candidates) {
    const where = { provider: candidate.provider.name, model: candidate.upstreamModel };
    let key: Secret | undefined;
    try {
      key = await plan.keyOf(candidate);
    } catch {
      attempts.push({ ...where, outcome: "no_key" });
      continue;
    }
    const call = buildUpstreamCall(plan.request, candidate, plan.caller, key?.reveal());
    for (let n = 0; n <= deps.retries; n++) {
      if (n > 0) await backoff(deps.backoffMs, n, signal);
      const result = await tryOnce(deps, call, plan.timeoutMs, signal);
      if (result.kind === "ok") {
        attempts.push({ ...where, outcome: "ok", status: result.open.response.status });
        return { ...result.open, candidate, attempts };
      }
      if (result.kind === "relay") {
        attempts.push({ ...where, outcome: "rejected_request", status: result.status });
        throw new AppError(
          "llm.invalid_request",
          `upstream rejected the request: ${plan.redact(result.message)}`,
        );
      }
      attempts.push({
        ...where,
        outcome: result.outcome,
        ...(result.status ? { status: result.status } : {}),
      });
      if (result.kind === "next") break;
    }
  }
  throw exhausted(attempts);
}

async function tryOnce(
  deps: UpstreamDeps,
  call: UpstreamCall,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Try> {
  if (signal.aborted) throw clientGone(signal.reason);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const { touch, clear } = deadline(controller, timeoutMs);
  const release = () => {
    clear();
    signal.removeEventListener("abort", onAbort);
  };
  try {
    const response = await deps.fetch(call.url, {
      method: "POST",
      headers: call.headers,
      body: JSON.stringify(call.body),
      signal: controller.signal,
    });
    if (response.ok) {
      return {
        kind: "ok",
        open: { response, abort: () => controller.abort(), touch, release },
      };
    }
    const text = await response.text().catch(() => "");
    release();
    return classify(response.status, text);
  } catch (error) {
    release();
    if (signal.aborted) throw clientGone(error);
    const timedOut = controller.signal.reason instanceof DOMException &&
      controller.signal.reason.name === "TimeoutError";
    return { kind: "retry", outcome: timedOut ? "timeout" : "connection_error" };
  }
}

/**
 * Aborts `controller` after `ms` of silence; `touch` restarts the count (per streamed chunk, so it
 * is a field write on the shared deadline timer, not a new timer).
 */
function deadline(controller: AbortController, ms: number): { touch(): void; clear(): void } {
  const running = deadlines.start(
    ms,
    () => controller.abort(new DOMException("upstream deadline", "TimeoutError")),
  );
  return { touch: () => running.touch(), clear: () => running.clear() };
}

function classify(status: number, text: string): Try {
  if (status === 429 || status >= 500) return { kind: "retry", outcome: "upstream_error", status };
  if ([400, 404, 413, 422].includes(status)) {
    let message: string | undefined;
    try {
      message = upstreamErrorMessage(JSON.parse(text));
    } catch {
      message = undefined;
    }
    return { kind: "relay", status, message: (message ?? `upstream answered ${status}`).slice(0, 500) };
  }
  return { kind: "next", outcome: "rejected_credentials", status };
}

function exhausted(attempts: readonly AttemptRecord[]): AppError {
  if (attempts.length > 0 && attempts.every((a) => a.outcome === "no_key")) {
    return new AppError("llm.provider_unavailable", "no provider key is available for this route");
  }
  if (attempts.at(-1)?.outcome === "timeout") {
    return new AppError("llm.upstream_timeout", "the model provider did not answer in time");
  }
  return new AppError(
    "llm.upstream_failed",
    "the model provider is unavailable; retries and fallbacks failed",
  );
}

function clientGone(cause: unknown): AppError {
  return new AppError("llm.upstream_failed", "client closed the request", {
    cause,
    data: { client_closed: true },
  });
}

/** Jittered exponential backoff (half fixed, half random), abandoned when the client leaves. */
async function backoff(baseMs: number, attempt: number, signal: AbortSignal): Promise<void> {
  const ceiling = Math.min(10_000, baseMs * 2 ** (attempt - 1));
  const ms = ceiling / 2 + Math.random() * (ceiling / 2);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener("abort", gone);
      resolve();
    }
    function gone() {
      clearTimeout(timer);
      reject(clientGone(signal.reason));
    }
    signal.addEventListener("abort", gone, { once: true });
  });
}
