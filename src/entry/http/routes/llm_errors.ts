import type { Context } from "hono";
import type { Dialect } from "@domain/llm/mod.ts";
import { type AppError, describeError } from "@shared/errors.ts";
import type { Logger } from "@shared/logger.ts";
import { asAppError, problemFor } from "../problem.ts";

/**
 * `/v1` errors in the caller's dialect (ARCHITECTURE §7): Anthropic
 * `{"type":"error","error":{"type","message"}}`, OpenAI `{"error":{"type","code","message"}}`,
 * Gemini `{"error":{"code","message","status"}}`. Status and client-safe text come from the one
 * REST table (`problem.ts`), so every error code has an answer here too; quota and budget denies
 * carry `retry-after`.
 */
const TYPES: Readonly<Record<number, { anthropic: string; gemini: string }>> = {
  400: { anthropic: "invalid_request_error", gemini: "INVALID_ARGUMENT" },
  401: { anthropic: "authentication_error", gemini: "UNAUTHENTICATED" },
  403: { anthropic: "permission_error", gemini: "PERMISSION_DENIED" },
  404: { anthropic: "not_found_error", gemini: "NOT_FOUND" },
  413: { anthropic: "request_too_large", gemini: "INVALID_ARGUMENT" },
  429: { anthropic: "rate_limit_error", gemini: "RESOURCE_EXHAUSTED" },
  503: { anthropic: "overloaded_error", gemini: "UNAVAILABLE" },
  504: { anthropic: "timeout_error", gemini: "DEADLINE_EXCEEDED" },
};

export function errorType(status: number): { anthropic: string; gemini: string } {
  return TYPES[status] ?? (status >= 500 ? { anthropic: "api_error", gemini: "INTERNAL" } : TYPES[400]!);
}

export function dialectErrorBody(dialect: Dialect, error: AppError): { status: number; body: unknown } {
  const problem = problemFor(error);
  const type = errorType(problem.status);
  const message = problem.detail;
  switch (dialect) {
    case "anthropic":
      return { status: problem.status, body: { type: "error", error: { type: type.anthropic, message } } };
    case "openai":
      return {
        status: problem.status,
        body: { error: { message, type: type.anthropic, param: null, code: error.code } },
      };
    case "gemini":
      return {
        status: problem.status,
        body: { error: { code: problem.status, message, status: type.gemini } },
      };
    default: {
      const never: never = dialect;
      return never;
    }
  }
}

export function dialectError(c: Context, dialect: Dialect, thrown: unknown, log: Logger): Response {
  const error = asAppError(thrown);
  if (error.code === "internal.unexpected") {
    log.error("llm.unhandled_error", { error: describeError(thrown), trace_id: c.get("traceId" as never) });
  }
  const { status, body } = dialectErrorBody(dialect, error);
  const headers: Record<string, string> = { "content-type": "application/json" };
  const retryAfter = error.data?.["retry_after_seconds"];
  if (typeof retryAfter === "number") headers["retry-after"] = String(retryAfter);
  return new Response(JSON.stringify(body), { status, headers });
}
