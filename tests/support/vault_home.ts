import { runCli } from "@entry/cli/main.ts";
import { captureIo, type CliRun } from "./cli_io.ts";
import { databaseUrl, testDbMode, testPgSettings, withAdmin } from "./db.ts";

/**
 * A fresh CLI home for the vault suites (in postgres mode with DATABASE_URL to its own empty
 * database) and in-process CLI runs that may be fed standard input.
 */
export interface VaultHome extends AsyncDisposable {
  readonly home: string;
  readonly env: Record<string, string>;
  sp(argv: readonly string[], options?: { stdin?: string; env?: Record<string, string> }): Promise<CliRun>;
}

export async function createVaultHome(prefix = "sp_vault_"): Promise<VaultHome> {
  const home = await Deno.makeTempDir({ prefix });
  const env: Record<string, string> = { SYSTEMPROMPT_HOME: home };
  let dropDb = () => Promise.resolve();
  if (testDbMode() === "postgres") {
    const { adminUrl } = testPgSettings();
    const name = `vault_${crypto.randomUUID().replaceAll("-", "")}`;
    await withAdmin(adminUrl, (admin) => admin.exec(`create database ${name}`));
    env["DATABASE_URL"] = databaseUrl(adminUrl, name);
    dropDb = () => withAdmin(adminUrl, (admin) => admin.exec(`drop database if exists ${name} with (force)`));
  }
  return {
    home,
    env,
    sp: async (argv, options = {}) => {
      const captured = captureIo();
      const stdin = options.stdin;
      const code = await runCli(argv, {
        env: { ...env, ...options.env },
        cwd: home,
        io: captured.io,
        readStdin: () =>
          stdin === undefined ? Promise.reject(new Error("no stdin in this test")) : Promise.resolve(stdin),
      });
      return { code, stdout: captured.stdout(), stderr: captured.stderr() };
    },
    [Symbol.asyncDispose]: async () => {
      await dropDb();
      await Deno.remove(home, { recursive: true });
    },
  };
}
