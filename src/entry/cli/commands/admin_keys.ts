import { describeSigningKeys, findUserByRef, rotateSigningKey } from "@domain/identity/mod.ts";
import { issuePluginToken, signingKeyDeps } from "@app/setup.ts";
import { AppError } from "@shared/errors.ts";
import { command, type Group, group } from "../command.ts";
import { CLI_ACTOR, emailFlag, intFlag, printCredential, stringFlag } from "./identity_flags.ts";
import { rotateMasterCmd } from "./admin_master_key.ts";

const DEFAULT_PLUGIN_DAYS = 365;
const MAX_PLUGIN_DAYS = 365;
const PLUGIN_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const issuePluginTokenCmd = command({
  name: "issue-plugin-token",
  summary: "Mint a hooks token (aud hook+plugin, scope hook:govern hook:track) for an admin",
  forwardable: true,
  flags: [
    { name: "email", type: "string", value: "E", summary: "an admin's email", required: true },
    { name: "plugin-id", type: "string", value: "ID", summary: "the plugin_id claim (default systemprompt)" },
    {
      name: "duration-days",
      type: "string",
      value: "N",
      summary: `lifetime in days (default and max ${MAX_PLUGIN_DAYS})`,
    },
    { name: "token-only", type: "boolean", summary: "print only the token (also the default in text mode)" },
  ],
  run: async (inv) => {
    const email = emailFlag(inv);
    const pluginId = stringFlag(inv, "plugin-id") ?? "systemprompt";
    if (!PLUGIN_ID.test(pluginId)) {
      throw new AppError("cli.usage", "--plugin-id may hold letters, digits and . _ : -");
    }
    const days = intFlag(inv, "duration-days", 1, MAX_PLUGIN_DAYS) ?? DEFAULT_PLUGIN_DAYS;
    const ctx = await inv.context();
    const user = await findUserByRef(ctx.db, email);
    const issued = await issuePluginToken(ctx, user, {
      pluginId,
      ttlSeconds: days * 86_400,
      actor: CLI_ACTOR,
    });
    return printCredential(inv, issued.token, {
      token: issued.token,
      email: user.email,
      plugin_id: pluginId,
      session_id: issued.sessionId,
      expires_at: issued.expiresAt,
    }, inv.flags["token-only"] === true);
  },
});

const rotateCmd = command({
  name: "rotate",
  summary: "Make a new RSA key the JWT signer; old keys verify until their tokens have expired",
  forwardable: true,
  run: async (inv) => {
    const ctx = await inv.context();
    const result = await rotateSigningKey(signingKeyDeps(ctx), CLI_ACTOR);
    return {
      kind: "object",
      value: {
        kid: result.kid,
        retiring: result.retiring,
        verify_until: result.verifyUntil,
        pruned: result.pruned,
      },
    };
  },
});

const listCmd = command({
  name: "list",
  summary: "List JWT signing keys and whether each still verifies",
  forwardable: true,
  run: async (inv) => {
    const ctx = await inv.context();
    const items = await describeSigningKeys({ db: ctx.db, ring: ctx.tokens }, ctx.clock.now());
    return {
      kind: "list",
      columns: ["kid", "signing", "status", "verifies", "created_at", "not_after"],
      items,
    };
  },
});

export const adminKeys: Group = group("keys", "JWT signing keys, plugin tokens and the vault master key", [
  issuePluginTokenCmd,
  rotateCmd,
  listCmd,
  rotateMasterCmd,
]);
