/**
 * End-to-end scoring of corpus items through `POST /api/public/hooks/govern`: one Claude Code
 * `Write` PreToolUse call per item, each in its own session, its `tool_input` built by the corpus
 * README's feeding rule (`toolInput`). Used by `scanner_e2e_test.ts` and the scanner benchmark.
 */
import { type Item, toolInput } from "./scanner_corpus.ts";

/** Anything that answers a `Request` like the product's Hono app (`app.request`). */
export interface HookApp {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

export interface HookVerdict {
  readonly item: Item;
  readonly blocked: boolean;
  /** The deny reason (`secret detected: … (…...[REDACTED])`), when denied. */
  readonly reason: string | undefined;
}

interface HookAnswer {
  readonly hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string };
}

async function governOne(app: HookApp, token: string, item: Item, session: string): Promise<HookVerdict> {
  const response = await app.request("/api/public/hooks/govern", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      hook_event_name: "PreToolUse",
      tool_name: "Write",
      tool_input: toolInput(item.text),
      session_id: session,
      cwd: "/workspace",
    }),
  });
  const answer = (await response.json()) as HookAnswer;
  const decision = answer.hookSpecificOutput?.permissionDecision;
  if (response.status !== 200 || (decision !== "allow" && decision !== "deny")) {
    throw new Error(`${item.id}: unexpected hook answer ${response.status} ${JSON.stringify(answer)}`);
  }
  return { item, blocked: decision === "deny", reason: answer.hookSpecificOutput?.permissionDecisionReason };
}

/** Verdicts for `items`, in order; `concurrency` calls in flight (each item its own session). */
export async function governItems(
  app: HookApp,
  token: string,
  items: readonly Item[],
  concurrency = 8,
): Promise<HookVerdict[]> {
  const out: HookVerdict[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      const item = items[i];
      if (item) out[i] = await governOne(app, token, item, `corpus-${item.id}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}
