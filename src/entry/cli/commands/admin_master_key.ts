import { rotateMasterKey } from "@app/vault_master_key.ts";
import { command } from "../command.ts";
import { CLI_ACTOR } from "./identity_flags.ts";

/**
 * `admin keys rotate-master`: rewraps every vault data key under a new master key and puts the key
 * where the old one came from. A key from `secrets.json` is replaced in place; a key from
 * `SYSTEMPROMPT_MASTER_KEY` or a systemd credential is printed once, with where to put it.
 */
export const rotateMasterCmd = command({
  name: "rotate-master",
  summary: "New vault master key: rewrap every data key, then replace the key where it came from",
  forwardable: true,
  run: async (inv) => {
    const ctx = await inv.context();
    const rotated = await rotateMasterKey(ctx, { actor: CLI_ACTOR });
    const summary = { kek_version: rotated.kekVersion, data_keys: rotated.dataKeys, source: rotated.source };
    const restart = "restart every other systemprompt process of this installation: " +
      "their old master key no longer opens the vault";
    if (rotated.kind === "written") {
      return { kind: "object", value: { ...summary, written_to: rotated.file, next: restart } };
    }
    const where = rotated.source === "SYSTEMPROMPT_MASTER_KEY"
      ? "set SYSTEMPROMPT_MASTER_KEY to it"
      : "store it as the systemd credential master_key (systemd-creds encrypt)";
    const next = `${where} before the next start, then delete ${rotated.pendingFile}; ${restart}`;
    if (inv.global.format === "text") {
      return { kind: "text", text: `new master key (shown once): ${rotated.newKey.reveal()}\n${next}\n` };
    }
    return {
      kind: "object",
      value: { ...summary, new_master_key: rotated.newKey.reveal(), pending_file: rotated.pendingFile, next },
    };
  },
});
