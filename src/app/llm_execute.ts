import {
  type AttemptRecord,
  type CallerWire,
  type Candidate,
  decodeUpstreamMessage,
  type FindSecrets,
  type LlmRequest,
  parseJsonBody,
  redactMessage,
  redactText,
  type ResolvedRoute,
  wantsStreamUsage,
} from "@domain/llm/mod.ts";
import { AppError, isAppError } from "@shared/errors.ts";
import type { Secret } from "@shared/secret.ts";
import type { LlmCallDeps } from "./llm_call.ts";
import { type CallFacts, finishCall } from "./llm_record.ts";
import { createFrameEncoder, renderMessage, secretFinder } from "./llm_render.ts";
import { pipeStream } from "./llm_stream.ts";
import { type OpenUpstream, openUpstream } from "./llm_upstream.ts";
import type { KnownSecrets } from "./vault_resolve.ts";

/**
 * The allowed part of a `/v1` call: reach an upstream (retries, fallbacks), then answer whole or
 * stream, with model output redacted, and record the call with its actual cost.
 */
export type LlmReply =
  | { readonly kind: "json"; readonly body: unknown }
  | { readonly kind: "stream"; readonly body: ReadableStream<Uint8Array> };

export interface ExecuteInput {
  readonly facts: CallFacts;
  readonly request: LlmRequest;
  readonly route: ResolvedRoute;
  readonly wire: CallerWire;
  readonly keyOf: (candidate: Candidate) => Promise<Secret | undefined>;
  readonly known: KnownSecrets;
  /** This call's provider keys, as the egress scan's known values (filled as keys are read). */
  readonly knownKeys: readonly Secret[];
  readonly decisionId: string;
  readonly signal: AbortSignal;
}

export async function executeCall(deps: LlmCallDeps, x: ExecuteInput): Promise<LlmReply> {
  const find = secretFinder(deps.egressScan, x.knownKeys);
  const attempts: AttemptRecord[] = [];
  const upstreamDeps = {
    fetch: deps.fetch,
    retries: deps.runtime.retries,
    backoffMs: deps.runtime.retryBackoffMs,
  };
  let open: OpenUpstream;
  try {
    open = await openUpstream(upstreamDeps, {
      request: x.request,
      caller: x.wire,
      candidates: x.route.candidates,
      timeoutMs: x.route.timeoutMs,
      keyOf: x.keyOf,
      redact: (text) => redactText(x.known.redactKnown(text), find),
      attempts,
    }, x.signal);
  } catch (error) {
    const candidate = x.route.candidates[0];
    finishCall(deps, x.facts, {
      status: "failed",
      candidate,
      decisionId: x.decisionId,
      error: failure(error),
      attempts,
    });
    throw error;
  }
  const created = Math.floor(deps.clock.now().getTime() / 1000);
  if (x.request.stream) return { kind: "stream", body: streamAnswer(deps, x, open, find, created) };
  return { kind: "json", body: await wholeAnswer(deps, x, open, find, created) };
}

function streamAnswer(
  deps: LlmCallDeps,
  x: ExecuteInput,
  open: OpenUpstream,
  find: FindSecrets,
  created: number,
): ReadableStream<Uint8Array> {
  return pipeStream({
    open,
    find,
    encode: createFrameEncoder(x.wire.dialect, { created, includeUsage: wantsStreamUsage(x.wire.raw) }),
    onEnd: (tally, error) => {
      finishCall(deps, x.facts, {
        status: error === undefined ? "completed" : "failed",
        candidate: open.candidate,
        decisionId: x.decisionId,
        usage: tally.usage,
        stopReason: tally.stopReason,
        error: error ?? null,
        attempts: open.attempts,
      });
    },
  });
}

async function wholeAnswer(
  deps: LlmCallDeps,
  x: ExecuteInput,
  open: OpenUpstream,
  find: FindSecrets,
  created: number,
): Promise<unknown> {
  const base = { candidate: open.candidate, decisionId: x.decisionId, attempts: open.attempts };
  let text: string;
  try {
    text = await open.response.text();
  } catch (error) {
    finishCall(deps, x.facts, { ...base, status: "failed", error: "upstream body failed" });
    throw x.signal.aborted
      ? error
      : new AppError("llm.upstream_failed", "the model provider's answer was cut off");
  } finally {
    open.release();
  }
  let message;
  try {
    message = redactMessage(decodeUpstreamMessage(open.candidate, parseJsonBody(text)), find);
  } catch {
    finishCall(deps, x.facts, { ...base, status: "failed", error: "upstream answer is not JSON" });
    throw new AppError("llm.upstream_failed", "the model provider answered with something other than JSON");
  }
  finishCall(deps, x.facts, {
    ...base,
    status: "completed",
    usage: message.usage,
    stopReason: message.stop_reason,
  });
  return renderMessage(x.wire.dialect, message, created);
}

/** A short, secret-free reason for the record. */
function failure(error: unknown): string {
  if (isAppError(error)) return error.data?.["client_closed"] ? "client closed the request" : error.code;
  return "unexpected error";
}
