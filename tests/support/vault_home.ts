import { runCli } from "@entry/cli/main.ts";
import { captureIo, type CliRun } from "./cli_io.ts";
import { createCliHome } from "./cli_home.ts";

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
  const base = await createCliHome(prefix);
  const { home, env } = base;
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
    [Symbol.asyncDispose]: () => base[Symbol.asyncDispose](),
  };
}
