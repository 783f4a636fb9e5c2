import type { Clock } from "@shared/clock.ts";
import type { LogLevel } from "@shared/logger.ts";
import type { BuildInfo } from "@shared/version.ts";
import { type AppContext, createAppContext } from "@app/context.ts";
import type { Config } from "@infra/config/config.ts";
import type { HomeLayout } from "@infra/config/home.ts";
import { loadConfig } from "@infra/config/load.ts";
import { createJsonLogger } from "@infra/log/json_logger.ts";
import type { CliIo, GlobalFlags, Invocation } from "./command.ts";

export interface RuntimeInput {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly io: CliIo;
  readonly build: BuildInfo;
  readonly layout: HomeLayout;
  readonly global: GlobalFlags;
  readonly clock: Clock;
  readonly sharedContext: AppContext | undefined;
  /** Server commands log at the profile's level; other commands only warnings and errors. */
  readonly serverLogs: boolean;
}

export interface Runtime {
  readonly invocation: Omit<Invocation, "flags" | "positionals" | "forwarded" | "dispatch">;
  dispose(): Promise<void>;
}

/** Log level for a CLI run: -v and -q win; otherwise warnings only, so stdout stays the result. */
export function cliLogLevel(global: GlobalFlags, normal: LogLevel): LogLevel {
  return global.verbosity === "verbose" ? "debug" : global.verbosity === "quiet" ? "error" : normal;
}

/** Lazily loads config and opens the context once per invocation; `dispose` closes what it opened. */
export function createRuntime(input: RuntimeInput): Runtime {
  let config: Promise<Config> | undefined;
  let loaded: Config | undefined;
  let opened: AppContext | undefined;
  const log = createJsonLogger({
    level: () => cliLogLevel(input.global, input.serverLogs ? loaded?.logLevel ?? "info" : "warn"),
    clock: input.clock,
    write: (line) => input.io.err(line),
  });
  const loadOnce = () => {
    config ??= input.sharedContext
      ? Promise.resolve(input.sharedContext.config)
      : loadConfig({ layout: input.layout, env: input.env });
    return config.then((c) => (loaded = c));
  };
  return {
    invocation: {
      global: input.global,
      env: input.env,
      cwd: input.cwd,
      io: input.io,
      clock: input.clock,
      log,
      build: input.build,
      layout: input.layout,
      config: loadOnce,
      context: async (options = {}) => {
        if (input.sharedContext) return input.sharedContext;
        opened ??= await createAppContext({
          config: await loadOnce(),
          clock: input.clock,
          log,
          build: input.build,
          migrate: options.migrate ?? false,
        });
        return opened;
      },
    },
    dispose: async () => {
      await opened?.[Symbol.asyncDispose]();
    },
  };
}
