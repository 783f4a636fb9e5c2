import type { AppContext } from "@app/context.ts";
import type { Config } from "@infra/config/config.ts";
import type { HomeLayout } from "@infra/config/home.ts";
import type { Logger } from "@shared/logger.ts";
import type { Clock } from "@shared/clock.ts";
import type { BuildInfo } from "@shared/version.ts";

/** Where a command writes: stdout carries results, stderr carries logs and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export type OutputFormat = "text" | "json" | "yaml";

export interface GlobalFlags {
  readonly profile: string | undefined;
  readonly format: OutputFormat;
  readonly verbosity: "quiet" | "normal" | "verbose";
  readonly help: boolean;
  readonly version: boolean;
}

export interface FlagSpec {
  readonly name: string;
  readonly type: "string" | "boolean";
  readonly summary: string;
  readonly required?: boolean;
  readonly value?: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly summary: string;
  readonly required: boolean;
}

export type CliResult =
  | {
    readonly kind: "list";
    readonly columns: readonly string[];
    readonly items: readonly Record<string, unknown>[];
  }
  | { readonly kind: "object"; readonly value: Readonly<Record<string, unknown>> }
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "none" };

/** Everything a command may use. `context()` opens (or, when forwarded, shares) the AppContext. */
export interface Invocation {
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
  readonly global: GlobalFlags;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly io: CliIo;
  readonly clock: Clock;
  readonly log: Logger;
  readonly build: BuildInfo;
  readonly layout: HomeLayout;
  readonly forwarded: boolean;
  config(): Promise<Config>;
  /** Runs another CLI invocation in this process (the admin channel uses it for forwarded commands). */
  dispatch(
    argv: readonly string[],
    options: { io: CliIo; sharedContext: AppContext; stdin?: string | undefined },
  ): Promise<number>;
  /** The whole standard input (read at most once; a forwarded command gets the client's). */
  readonly readStdin?: () => Promise<string>;
  context(options?: { migrate?: boolean }): Promise<AppContext>;
}

export interface Command {
  readonly kind: "command";
  readonly name: string;
  readonly summary: string;
  readonly flags?: readonly FlagSpec[];
  readonly positionals?: readonly PositionalSpec[];
  /** May be re-run by a running server over the admin channel when it holds the embedded database. */
  readonly forwardable?: boolean;
  /** Logs at the profile's level (servers) instead of warnings only. */
  readonly serverLogs?: boolean;
  run(inv: Invocation): Promise<CliResult>;
}

export interface Group {
  readonly kind: "group";
  readonly name: string;
  readonly summary: string;
  readonly children: readonly (Command | Group)[];
}

export type CliNode = Command | Group;

export function command(spec: Omit<Command, "kind">): Command {
  return { kind: "command", ...spec };
}

export function group(name: string, summary: string, children: readonly CliNode[]): Group {
  return { kind: "group", name, summary, children };
}
