import { evaluateChain, type Subject } from "@domain/governance/mod.ts";
import { AppError } from "@shared/errors.ts";
import { newSessionId } from "@shared/ids.ts";
import { scopeForRoles } from "@domain/identity/mod.ts";
import { command, type Group, group } from "../command.ts";

/**
 * What-if: evaluates the chain for a user and a tool without executing, charging or recording
 * anything, and prints every stage's result.
 */
const check = command({
  name: "check",
  summary: "Evaluate the policy chain for a user and tool without executing or charging anything",
  forwardable: true,
  flags: [
    { name: "email", type: "string", value: "E", summary: "the user", required: true },
    {
      name: "tool",
      type: "string",
      value: "T",
      summary: "tool name (user_prompt for a prompt)",
      required: true,
    },
    { name: "input", type: "string", value: "JSON", summary: "tool_input (PreToolUse) or the prompt text" },
    { name: "event", type: "string", value: "EVENT", summary: "PreToolUse (default) or UserPromptSubmit" },
    { name: "session", type: "string", value: "S", summary: "session id for the rate-limit key" },
  ],
  run: async (inv) => {
    const ctx = await inv.context();
    const email = String(inv.flags["email"]);
    const user = await ctx.users.findByEmail(email);
    if (!user) throw new AppError("identity.user_not_found", `no user with email ${email}`);
    const event = String(inv.flags["event"] ?? "PreToolUse");
    if (event !== "PreToolUse" && event !== "UserPromptSubmit") {
      throw new AppError("cli.usage", "--event must be PreToolUse or UserPromptSubmit");
    }
    const raw = typeof inv.flags["input"] === "string" ? inv.flags["input"] : undefined;
    const sessionId = typeof inv.flags["session"] === "string" ? inv.flags["session"] : newSessionId();
    const subject: Subject = {
      userId: user.id,
      email: user.email,
      scope: scopeForRoles(user.roles) === "admin" ? "admin" : "user",
      roles: user.roles,
      department: user.department,
      sessionId,
    };
    const target = event === "UserPromptSubmit"
      ? { surface: "hook" as const, event, toolName: "user_prompt", prompt: raw ?? "" }
      : { surface: "hook" as const, event, toolName: String(inv.flags["tool"]), toolInput: parseInput(raw) };
    const d = await evaluateChain(ctx.policy.spec, { subject, target, dryRun: true });
    return {
      kind: "object",
      value: {
        decision: d.decision,
        policy: d.policy,
        reason: d.reason,
        policy_version: ctx.policy.version,
        chain: d.chain,
      },
    };
  },
});

function parseInput(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError("cli.usage", "--input must be JSON for PreToolUse");
  }
}

export const adminPolicy: Group = group("policy", "Inspect and test the governance policy", [check]);
