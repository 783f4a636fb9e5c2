import { findUserByRef } from "@domain/identity/mod.ts";
import { issueSessionToken } from "@app/setup.ts";
import { command, type Group, group } from "../command.ts";
import { CLI_ACTOR, durationFlag, emailFlag, printCredential } from "./identity_flags.ts";

const DEFAULT_TTL_SECONDS = 86_400;
const MAX_TTL_SECONDS = 30 * 86_400;

/**
 * `admin session login --email E [--ttl 24h] [--token-only]`: a session JWT (aud web, api, mcp,
 * a2a) for any active user. Its power follows the user's live roles, so a user-role account gets
 * a user-scope token.
 */
const loginCmd = command({
  name: "login",
  summary: "Mint a session token for a user (prints only the JWT with --token-only)",
  forwardable: true,
  flags: [
    { name: "email", type: "string", value: "E", summary: "the user's email", required: true },
    {
      name: "ttl",
      type: "string",
      value: "DURATION",
      summary: "lifetime, e.g. 30m, 24h, 7d (default 24h, max 30d)",
    },
    { name: "token-only", type: "boolean", summary: "print only the token" },
  ],
  run: async (inv) => {
    const email = emailFlag(inv);
    const ttlSeconds = durationFlag(inv, "ttl", MAX_TTL_SECONDS) ?? DEFAULT_TTL_SECONDS;
    const ctx = await inv.context();
    const user = await findUserByRef(ctx.db, email);
    const issued = await issueSessionToken(ctx, user, { ttlSeconds, actor: CLI_ACTOR });
    return printCredential(inv, issued.token, {
      token: issued.token,
      email: user.email,
      user_id: user.id,
      session_id: issued.sessionId,
      expires_at: issued.expiresAt,
      audiences: ctx.config.security.audiences,
    }, inv.flags["token-only"] === true);
  },
});

export const adminSession: Group = group("session", "Sessions: mint a token for a user", [loginCmd]);
