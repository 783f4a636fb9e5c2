import type { Principal } from "@domain/identity/mod.ts";
import {
  type Dialect,
  exposureDenial,
  type Json,
  listedModels,
  parseAnthropicRequest,
  promptText,
  resolveRoute,
  type RouteTable,
} from "@domain/llm/mod.ts";
import { AppError } from "@shared/errors.ts";
import type { LlmRuntime } from "./llm_runtime.ts";

/**
 * `GET /v1/models` (Anthropic or OpenAI shape; models the caller's exposure rules hide are left
 * out) and `POST /v1/messages/count_tokens` (an estimate, characters ÷ 4, computed here: counting
 * must not send a prompt to a provider without the governed path).
 */
const EPOCH = "1970-01-01T00:00:00.000Z";

type Listed = ReturnType<typeof listedModels>[number];

function visibleModels(runtime: LlmRuntime, principal: Principal): Listed[] {
  return listedModels(runtime.table).filter((m) =>
    exposureDenial(runtime.policies.exposure, m.id, principal) === undefined
  );
}

function modelShape(dialect: Dialect, m: Listed): Record<string, unknown> {
  return dialect === "anthropic"
    ? { type: "model", id: m.id, display_name: m.displayName, created_at: EPOCH }
    : { id: m.id, object: "model", created: 0, owned_by: m.owner };
}

export function listModels(runtime: LlmRuntime, principal: Principal, dialect: Dialect): unknown {
  const models = visibleModels(runtime, principal);
  const data = models.map((m) => modelShape(dialect, m));
  if (dialect !== "anthropic") return { object: "list", data };
  return { data, has_more: false, first_id: models[0]?.id ?? null, last_id: models.at(-1)?.id ?? null };
}

/** `GET /v1/models/{id}`: one model in the caller's shape, 404 when unknown or hidden. */
export function findModel(runtime: LlmRuntime, principal: Principal, dialect: Dialect, id: string): unknown {
  const model = visibleModels(runtime, principal).find((m) => m.id === id);
  if (!model) throw new AppError("llm.model_not_found", `model ${id} is not available on this gateway`);
  return modelShape(dialect, model);
}

export function countTokens(table: RouteTable, body: Json): { input_tokens: number } {
  const request = parseAnthropicRequest({ ...body, max_tokens: 1 });
  if (!resolveRoute(table, request.model)) {
    throw new AppError("llm.model_not_found", `model ${request.model} is not available on this gateway`);
  }
  const text = promptText({
    system: request.system ?? null,
    messages: request.messages,
    tools: request.tools ?? [],
  });
  return { input_tokens: Math.ceil(text.length / 4) };
}
