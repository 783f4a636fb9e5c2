import { databaseUrl, testDbMode, testPgSettings, withAdmin } from "./db.ts";

/**
 * A temporary SYSTEMPROMPT_HOME for CLI and process tests. In pglite mode the CLI opens the
 * embedded database on disk there; in postgres mode `env` carries DATABASE_URL to an empty database
 * of the test server (so `admin setup` migrates it like a production install), dropped on dispose.
 */
export interface CliHome extends AsyncDisposable {
  readonly home: string;
  readonly env: Record<string, string>;
}

export async function createCliHome(prefix = "sp_cli_"): Promise<CliHome> {
  const home = await Deno.makeTempDir({ prefix });
  const env: Record<string, string> = { SYSTEMPROMPT_HOME: home };
  let dropDb = () => Promise.resolve();
  if (testDbMode() === "postgres") {
    const { adminUrl } = testPgSettings();
    const name = `cli_${crypto.randomUUID().replaceAll("-", "")}`;
    await withAdmin(adminUrl, (admin) => admin.exec(`create database ${name}`));
    env["DATABASE_URL"] = databaseUrl(adminUrl, name);
    dropDb = () => withAdmin(adminUrl, (admin) => admin.exec(`drop database if exists ${name} with (force)`));
  }
  return {
    home,
    env,
    [Symbol.asyncDispose]: async () => {
      await dropDb();
      await Deno.remove(home, { recursive: true });
    },
  };
}
