import { z } from "zod";

/**
 * The Claude Code hook body (`POST /api/public/hooks/govern`). Parsed leniently enough to always
 * know which event to answer for, strictly enough that anything malformed is a deny with policy
 * `invalid_request` and a clear reason.
 */
export const HOOK_EVENTS = ["PreToolUse", "UserPromptSubmit"] as const;
export type HookEventName = typeof HOOK_EVENTS[number];

const MAX_DEPTH = 64;

const hookSchema = z.object({
  hook_event_name: z.enum(HOOK_EVENTS),
  tool_name: z.string().min(1).max(512).optional(),
  tool_input: z.unknown().optional(),
  prompt: z.string().optional(),
  session_id: z.string().min(1).max(256).optional(),
  agent_id: z.string().min(1).max(256).optional(),
  cwd: z.string().max(4096).optional(),
  tool_use_id: z.string().max(256).optional(),
}).loose();

export interface HookRequest {
  readonly event: HookEventName;
  readonly toolName: string;
  readonly toolInput: unknown;
  readonly prompt: string | undefined;
  readonly sessionId: string | undefined;
  readonly agentId: string | undefined;
  readonly cwd: string | undefined;
  readonly toolUseId: string | undefined;
}

export type HookParse =
  | { readonly ok: true; readonly request: HookRequest }
  | { readonly ok: false; readonly event: HookEventName; readonly reason: string };

/** Bytes (at most the body limit, read by the route) → a hook request or the reason it is invalid. */
export function parseHookBody(bytes: Uint8Array, limit: number, truncated: boolean): HookParse {
  if (truncated) return invalid("PreToolUse", `request body exceeds ${limit} bytes`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return invalid("PreToolUse", "request body is not valid UTF-8");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return invalid("PreToolUse", "request body is not valid JSON");
  }
  const event = guessEvent(raw);
  if (nestingDepth(raw) > MAX_DEPTH) {
    return invalid(event, `request body is nested deeper than ${MAX_DEPTH} levels`);
  }
  const parsed = hookSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "body";
    return invalid(event, `invalid hook request: ${where}: ${issue?.message ?? "invalid"}`);
  }
  return toRequest(parsed.data);
}

function toRequest(body: z.infer<typeof hookSchema>): HookParse {
  const event = body.hook_event_name;
  if (event === "UserPromptSubmit" && body.prompt === undefined) {
    return invalid(event, "UserPromptSubmit needs a prompt");
  }
  if (event === "PreToolUse" && body.tool_name === undefined) {
    return invalid(event, "PreToolUse needs a tool_name");
  }
  return {
    ok: true,
    request: {
      event,
      toolName: event === "UserPromptSubmit" ? "user_prompt" : body.tool_name!,
      toolInput: event === "PreToolUse" ? body.tool_input ?? {} : undefined,
      prompt: event === "UserPromptSubmit" ? body.prompt : undefined,
      sessionId: body.session_id,
      agentId: body.agent_id,
      cwd: body.cwd,
      toolUseId: body.tool_use_id,
    },
  };
}

function invalid(event: HookEventName, reason: string): HookParse {
  return { ok: false, event, reason };
}

function guessEvent(raw: unknown): HookEventName {
  const name = raw !== null && typeof raw === "object"
    ? (raw as Record<string, unknown>)["hook_event_name"]
    : undefined;
  return name === "UserPromptSubmit" ? "UserPromptSubmit" : "PreToolUse";
}

/** Iterative, so a 10,000-deep array cannot overflow the stack. */
export function nestingDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    max = Math.max(max, d + 1);
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}
