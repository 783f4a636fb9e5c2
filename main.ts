/**
 * The systemprompt executable: server and CLI in one. Hands the arguments and the environment to
 * the CLI and exits with its code.
 */
import { runCli } from "@entry/cli/main.ts";

const code = await runCli(Deno.args, { env: Deno.env.toObject(), cwd: Deno.cwd() });
Deno.exit(code);
