import { z } from "zod";
import { insertHookEvent } from "@domain/governance/mod.ts";
import type { Queryable } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import { AppError } from "@shared/errors.ts";
import { newUuidV7, type TraceId } from "@shared/ids.ts";
import type { AuthVerdict, Credentials } from "./authenticate.ts";

export interface TrackDeps {
  readonly authenticate: (credentials: Credentials, audiences: readonly string[]) => Promise<AuthVerdict>;
  readonly db: Queryable;
  readonly clock: Clock;
}

const trackSchema = z.object({
  hook_event_name: z.string().min(1).max(64),
  session_id: z.string().min(1).max(256).optional(),
  tool_name: z.string().max(512).optional(),
  tool_use_id: z.string().max(256).optional(),
  tool_input: z.unknown().optional(),
  tool_response: z.unknown().optional(),
}).loose();

export interface TrackOutcome {
  readonly accepted: true;
  readonly stored: boolean;
  readonly duplicate: boolean;
}

/**
 * `POST /api/public/hooks/track`: PostToolUse and other events from a plugin token (`hook:track`).
 * PreToolUse is governed by /govern, so it is accepted and dropped here. Stored events keep
 * metadata only (names, ids, sizes): tool inputs and outputs may hold secrets and are not kept.
 */
export async function trackHook(
  deps: TrackDeps,
  input: { credentials: Credentials; body: string; pluginId: string | undefined; traceId: TraceId },
): Promise<TrackOutcome> {
  const auth = await deps.authenticate(input.credentials, ["hook"]);
  if (!auth.ok) {
    throw new AppError(auth.reason === "missing" ? "auth.missing_token" : "auth.invalid_token", auth.message);
  }
  if (auth.principal.credential !== "plugin") {
    throw new AppError("auth.invalid_token", "a plugin token with scope hook:track is required");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(input.body);
  } catch {
    throw new AppError("request.invalid_json", "request body is not valid JSON");
  }
  const parsed = trackSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      "request.invalid_body",
      `invalid hook event: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
    );
  }
  const e = parsed.data;
  if (e.hook_event_name === "PreToolUse") return { accepted: true, stored: false, duplicate: false };
  const now = deps.clock.now();
  const stored = await insertHookEvent(deps.db, {
    id: newUuidV7(now.getTime()),
    userId: auth.principal.userId,
    sessionId: e.session_id ?? auth.principal.sessionId,
    eventName: e.hook_event_name,
    toolName: e.tool_name ?? null,
    toolUseId: e.tool_use_id ?? null,
    pluginId: input.pluginId ?? auth.principal.pluginId,
    summary: {
      tool_input_keys: isObject(e.tool_input) ? Object.keys(e.tool_input).slice(0, 50) : [],
      tool_response_bytes: e.tool_response === undefined ? 0 : JSON.stringify(e.tool_response).length,
    },
    traceId: input.traceId,
    createdAt: now,
  });
  return { accepted: true, stored, duplicate: !stored };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
