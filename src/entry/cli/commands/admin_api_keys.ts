import {
  apiKeyRecord,
  issueApiKey,
  listApiKeys,
  parseApiKeyPrefix,
  revokeApiKey,
} from "@domain/identity/mod.ts";
import { AppError } from "@shared/errors.ts";
import { command, type Group, group } from "../command.ts";
import { CLI_ACTOR, emailFlag, intFlag, printCredential, stringFlag } from "./identity_flags.ts";

const KEY_COLUMNS = ["prefix", "name", "email", "status", "created_at", "expires_at", "revoked_at"];

const issueCmd = command({
  name: "issue",
  summary: "Issue a personal access token (printed once; only its SHA-256 is kept)",
  forwardable: true,
  flags: [
    { name: "email", type: "string", value: "E", summary: "owner's email", required: true },
    { name: "name", type: "string", value: "N", summary: "a label for listings (default: default)" },
    { name: "expires-days", type: "string", value: "N", summary: "expire after N days (default: never)" },
  ],
  run: async (inv) => {
    const email = emailFlag(inv);
    const name = stringFlag(inv, "name")?.trim() || "default";
    if (name.length > 200) throw new AppError("cli.usage", "--name must be at most 200 characters");
    const expiresDays = intFlag(inv, "expires-days", 1, 3650) ?? null;
    const ctx = await inv.context();
    const deps = { db: ctx.db, clock: ctx.clock, cache: ctx.identityCache };
    const issued = await issueApiKey(deps, { ref: email, name, expiresDays, actor: CLI_ACTOR });
    const key = issued.key.reveal();
    return printCredential(inv, key, { key, ...apiKeyRecord(issued.record, ctx.clock.now()) }, false);
  },
});

const listCmd = command({
  name: "list",
  summary: "List API keys (prefix, owner, status; never the key)",
  forwardable: true,
  flags: [{ name: "email", type: "string", value: "E", summary: "only this user's keys" }],
  run: async (inv) => {
    const ctx = await inv.context();
    const owner = stringFlag(inv, "email") === undefined ? null : emailFlag(inv);
    const now = ctx.clock.now();
    const keys = await listApiKeys(ctx.db, owner);
    return { kind: "list", columns: KEY_COLUMNS, items: keys.map((k) => apiKeyRecord(k, now)) };
  },
});

const revokeCmd = command({
  name: "revoke",
  summary: "Revoke an API key by its prefix (takes effect on the next request everywhere)",
  forwardable: true,
  positionals: [{ name: "prefix", summary: "the 12-hex prefix (sp-live-… accepted)", required: true }],
  run: async (inv) => {
    const prefix = parseApiKeyPrefix(inv.positionals[0]!.trim());
    if (!prefix) throw new AppError("cli.usage", "<prefix> must be the 12 hex digits after sp-live-");
    const ctx = await inv.context();
    const deps = { db: ctx.db, clock: ctx.clock, cache: ctx.identityCache };
    const revoked = await revokeApiKey(deps, { prefix, actor: CLI_ACTOR });
    return { kind: "object", value: apiKeyRecord(revoked, ctx.clock.now()) };
  },
});

export const adminApiKeys: Group = group("api-keys", "Personal access tokens: issue, list, revoke", [
  issueCmd,
  listCmd,
  revokeCmd,
]);
