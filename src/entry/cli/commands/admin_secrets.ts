import {
  deleteSecret,
  isOwnerRef,
  listSecretRecords,
  rotateOwnerDataKey,
  rotateSecret,
  secretRecordWire,
  setSecret,
} from "@app/vault_admin.ts";
import { parseSecretName, type SecretName } from "@domain/vault/mod.ts";
import { AppError } from "@shared/errors.ts";
import { Secret } from "@shared/secret.ts";
import { command, type FlagSpec, type Group, group, type Invocation } from "../command.ts";
import { CLI_ACTOR, stringFlag } from "./identity_flags.ts";

/**
 * `admin secrets set|list|delete|rotate`: vault secrets by owner and name. A value enters only on
 * standard input (never as an argument, so it stays out of shell history and `ps`) and never comes
 * back out: every answer carries owner, name, version and times only.
 */
const COLUMNS = ["owner", "name", "version", "created_at", "updated_at"];
const MAX_VALUE_BYTES = 65_536;

const OWNER_FLAG: FlagSpec = {
  name: "owner",
  type: "string",
  value: "O",
  summary: "org, department:<name>, user:<email> or user:<id>",
  required: true,
};
const NAME_FLAG: FlagSpec = {
  name: "name",
  type: "string",
  value: "N",
  summary: "the secret's name, as in secret:<name>",
  required: true,
};

function ownerFlag(inv: Invocation): string {
  const owner = stringFlag(inv, "owner")?.trim() ?? "";
  if (!isOwnerRef(owner)) {
    throw new AppError("cli.usage", "--owner must be org, department:<name>, user:<email> or user:<id>");
  }
  return owner;
}

function nameFlag(inv: Invocation): SecretName {
  const name = parseSecretName(stringFlag(inv, "name")?.trim() ?? "");
  if (name === undefined) {
    throw new AppError(
      "cli.usage",
      "--name may hold letters, digits and . _ - (at most 128, starting alphanumeric)",
    );
  }
  return name;
}

/** The value from standard input, without one trailing newline (what `echo` and heredocs add). */
async function stdinValue(inv: Invocation): Promise<Secret> {
  if (inv.flags["value-stdin"] !== true) {
    throw new AppError(
      "cli.usage",
      "give the value on standard input with --value-stdin (never as an argument)",
    );
  }
  if (!inv.readStdin) throw new AppError("cli.usage", "standard input is not available");
  const value = (await inv.readStdin()).replace(/\r?\n$/, "");
  if (value === "") throw new AppError("cli.usage", "the value on standard input is empty");
  if (new TextEncoder().encode(value).length > MAX_VALUE_BYTES) {
    throw new AppError("cli.usage", `the value must be at most ${MAX_VALUE_BYTES} bytes`);
  }
  return new Secret(value);
}

const setCmd = command({
  name: "set",
  summary: "Create or replace a secret (value on standard input); prints its new version",
  forwardable: true,
  flags: [
    OWNER_FLAG,
    NAME_FLAG,
    { name: "value-stdin", type: "boolean", summary: "read the value from standard input (required)" },
  ],
  run: async (inv) => {
    const owner = ownerFlag(inv);
    const name = nameFlag(inv);
    // Read before opening the context: a forwarded command carries what was read to the server.
    const value = await stdinValue(inv);
    const ctx = await inv.context();
    const record = await setSecret(ctx, { owner, name, value, actor: CLI_ACTOR });
    return { kind: "object", value: secretRecordWire(record) };
  },
});

const listCmd = command({
  name: "list",
  summary: "List secrets: owner, name, version, times (never a value)",
  forwardable: true,
  flags: [{ ...OWNER_FLAG, required: false, summary: "only this owner's secrets" }],
  run: async (inv) => {
    const owner = stringFlag(inv, "owner") === undefined ? null : ownerFlag(inv);
    const ctx = await inv.context();
    const records = await listSecretRecords(ctx.db, owner);
    return { kind: "list", columns: COLUMNS, items: records.map(secretRecordWire) };
  },
});

const deleteCmd = command({
  name: "delete",
  summary: "Delete a secret (its ciphertext is removed)",
  forwardable: true,
  flags: [OWNER_FLAG, NAME_FLAG],
  run: async (inv) => {
    const owner = ownerFlag(inv);
    const name = nameFlag(inv);
    const ctx = await inv.context();
    const record = await deleteSecret(ctx, { owner, name, actor: CLI_ACTOR });
    return { kind: "object", value: { ...secretRecordWire(record), deleted: true } };
  },
});

const rotateCmd = command({
  name: "rotate",
  summary:
    "Re-encrypt one secret as its next version (--name), or give the owner a new data key (--data-key)",
  forwardable: true,
  flags: [
    OWNER_FLAG,
    { ...NAME_FLAG, required: false },
    { name: "data-key", type: "boolean", summary: "rotate the owner's data key; secrets follow lazily" },
  ],
  run: async (inv) => {
    const owner = ownerFlag(inv);
    const dataKey = inv.flags["data-key"] === true;
    if (dataKey === (stringFlag(inv, "name") !== undefined)) {
      throw new AppError("cli.usage", "give exactly one of --name N or --data-key");
    }
    const ctx = await inv.context();
    if (dataKey) {
      const rotated = await rotateOwnerDataKey(ctx, { owner, actor: CLI_ACTOR });
      return { kind: "object", value: { owner: rotated.owner, retired_data_keys: rotated.retired } };
    }
    const record = await rotateSecret(ctx, { owner, name: nameFlag(inv), actor: CLI_ACTOR });
    return { kind: "object", value: secretRecordWire(record) };
  },
});

export const adminSecrets: Group = group("secrets", "Vault secrets (values go in, never come out)", [
  setCmd,
  listCmd,
  deleteCmd,
  rotateCmd,
]);
