import { AppError, describeError, isAppError } from "@shared/errors.ts";
import { systemClock } from "@shared/clock.ts";
import { DEV_BUILD } from "@shared/version.ts";
import type { BuildInfo } from "@shared/version.ts";
import type { AppContext } from "@app/context.ts";
import { resolveHome } from "@infra/config/home.ts";
import { forwardCommand } from "./admin_channel.ts";
import type { CliIo, GlobalFlags } from "./command.ts";
import { renderHelp } from "./help.ts";
import { parseCommandArgs, parseGlobalFlags, resolveCommand } from "./parse_args.ts";
import { renderResult } from "./printer.ts";
import { createRuntime } from "./runtime.ts";
import { COMMAND_TREE } from "./tree.ts";

export interface CliOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly io?: CliIo;
  readonly build?: BuildInfo;
  /** Set when a server runs the command for a forwarding client: its context is shared, not opened. */
  readonly sharedContext?: AppContext;
  /** Reads the whole standard input (default: `Deno.stdin`); a forwarded command gets the client's. */
  readonly readStdin?: () => Promise<string>;
}

const encoder = new TextEncoder();
export const stdIo: CliIo = {
  out: (text) => void Deno.stdout.writeSync(encoder.encode(text)),
  err: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
};

/** Runs one CLI invocation and returns its exit code: 0 success, 1 error, 2 usage error. */
export async function runCli(argv: readonly string[], options: CliOptions): Promise<number> {
  const io = options.io ?? stdIo;
  const build = options.build ?? DEV_BUILD;
  let global: GlobalFlags | undefined;
  try {
    const parsed = parseGlobalFlags(argv);
    global = parsed.global;
    if (global.version && parsed.rest.length === 0) {
      io.out(`systemprompt ${build.version} (commit ${build.commit}, built ${build.buildDate})\n`);
      return 0;
    }
    const resolved = resolveCommand(COMMAND_TREE, parsed.rest);
    if (global.help || resolved.node.kind === "group") {
      if (!global.help && resolved.rest.length > 0) {
        throw new AppError("cli.usage", `unknown command ${JSON.stringify(resolved.rest[0])} (see --help)`);
      }
      io.out(renderHelp(resolved.node, resolved.path));
      return global.help || resolved.path.length === 0 ? 0 : 2;
    }
    const cmd = resolved.node;
    const args = parseCommandArgs(cmd, resolved.rest);
    const layout = resolveHome({ env: options.env, cwd: options.cwd, profile: global.profile });
    const runtime = createRuntime({
      env: options.env,
      cwd: options.cwd,
      io,
      build,
      layout,
      global,
      clock: systemClock,
      sharedContext: options.sharedContext,
      serverLogs: cmd.serverLogs ?? false,
    });
    const stdin = stdinOnce(options.readStdin ?? (() => new Response(Deno.stdin.readable).text()));
    const dispatch = (
      nested: readonly string[],
      o: { io: CliIo; sharedContext: AppContext; stdin?: string | undefined },
    ) =>
      runCli(nested, {
        ...options,
        io: o.io,
        sharedContext: o.sharedContext,
        build,
        readStdin: forwardedStdin(o.stdin),
      });
    try {
      const result = await cmd.run({
        ...runtime.invocation,
        ...args,
        dispatch,
        readStdin: stdin.read,
        forwarded: options.sharedContext !== undefined,
      });
      io.out(renderResult(result, global.format));
      return 0;
    } catch (error) {
      if (isAppError(error, "db.locked") && cmd.forwardable && !options.sharedContext) {
        return await forward(layout.adminSocket, argv, io, stdin.taken());
      }
      throw error;
    } finally {
      await runtime.dispose();
    }
  } catch (error) {
    return reportError(error, io, global);
  }
}

async function forward(socket: string, argv: readonly string[], io: CliIo, stdin?: string): Promise<number> {
  const answer = await forwardCommand(socket, argv, stdin);
  if (answer.stdout) io.out(answer.stdout);
  if (answer.stderr) io.err(answer.stderr);
  return answer.code;
}

/** Standard input is read at most once; what was read is forwarded with the command if needed. */
function stdinOnce(
  read: () => Promise<string>,
): { read: () => Promise<string>; taken: () => string | undefined } {
  let text: string | undefined;
  let pending: Promise<string> | undefined;
  return {
    read: () => (pending ??= read().then((t) => (text = t))),
    taken: () => text,
  };
}

/** A forwarded command reads the client's standard input, never the server's. */
function forwardedStdin(text: string | undefined): () => Promise<string> {
  return () =>
    text === undefined
      ? Promise.reject(new AppError("cli.usage", "standard input was not forwarded with this command"))
      : Promise.resolve(text);
}

function reportError(error: unknown, io: CliIo, global: GlobalFlags | undefined): number {
  const code = isAppError(error) ? error.code : "internal.unexpected";
  const message = isAppError(error) ? error.message : describeError(error);
  if (global?.format === "json") io.err(`${JSON.stringify({ error: { code, message } })}\n`);
  else io.err(`error: ${message}\n`);
  return code === "cli.usage" ? 2 : 1;
}
