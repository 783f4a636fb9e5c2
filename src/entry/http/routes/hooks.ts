import { Hono } from "hono";
import { type GovernDeps, governHook, type GovernOutcome } from "@app/govern_hook.ts";
import { type HookEventName, parseHookBody } from "@app/hook_request.ts";
import { type TrackDeps, trackHook } from "@app/track_hook.ts";
import { describeError } from "@shared/errors.ts";
import type { AppContext } from "@app/context.ts";
import { type AuthDeps, authenticate } from "@app/authenticate.ts";
import type { HttpEnv } from "../env.ts";

/**
 * Claude Code hooks. Claude Code treats a non-2xx answer or a timeout as "no objection", so the
 * govern route answers 200 to everything that reaches it: malformed, oversized or unauthenticated
 * requests are denies, never errors.
 */
export function hookRoutes(deps: GovernDeps & TrackDeps & { bodyLimit: number }): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.post("/govern", async (c) => {
    const traceId = c.get("traceId");
    try {
      const { bytes, truncated } = await readCapped(c.req.raw, deps.bodyLimit);
      const outcome = await governHook(deps, {
        credentials: { authorization: c.req.header("authorization"), apiKey: c.req.header("x-api-key") },
        parse: parseHookBody(bytes, deps.bodyLimit, truncated),
        pluginId: c.req.query("plugin_id") || undefined,
        traceId,
      });
      return c.json(hookAnswer(outcome));
    } catch (error) {
      deps.log.error("hooks.govern_failed", { trace_id: traceId, error: describeError(error) });
      const event: HookEventName = "PreToolUse";
      return c.json(
        hookAnswer({
          event,
          decision: "deny",
          policy: "unavailable",
          reason: "governance unavailable; denied",
        }),
      );
    }
  });
  app.post("/track", async (c) => {
    const body = await c.req.text();
    const outcome = await trackHook(deps, {
      credentials: { authorization: c.req.header("authorization"), apiKey: c.req.header("x-api-key") },
      body,
      pluginId: c.req.query("plugin_id") || undefined,
      traceId: c.get("traceId"),
    });
    return c.json(outcome);
  });
  return app;
}

/** The slices of the context the hook routes use. */
export function hookDeps(ctx: AppContext, auth: AuthDeps): GovernDeps & TrackDeps {
  return {
    authenticate: (credentials, audiences) => authenticate(auth, credentials, { audiences }, ctx.clock.now()),
    policy: ctx.policy,
    audit: ctx.audit,
    clock: ctx.clock,
    log: ctx.log,
    db: ctx.db,
  };
}

/** The Claude Code answer shape (reason only on deny; a blocked prompt also needs `decision`). */
export function hookAnswer(outcome: GovernOutcome): Record<string, unknown> {
  const output: Record<string, unknown> = {
    hookEventName: outcome.event,
    permissionDecision: outcome.decision,
  };
  if (outcome.decision === "allow") return { hookSpecificOutput: output };
  const reason = `[GOVERNANCE] ${outcome.reason ?? outcome.policy}`;
  output["permissionDecisionReason"] = reason;
  if (outcome.event === "UserPromptSubmit") return { decision: "block", reason, hookSpecificOutput: output };
  return { hookSpecificOutput: output };
}

/** Reads at most `limit` bytes; more means truncated (the rest is never buffered). */
export async function readCapped(
  request: Request,
  limit: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!request.body) return { bytes: new Uint8Array(0), truncated: false };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { bytes: new Uint8Array(0), truncated: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { bytes, truncated: false };
}
