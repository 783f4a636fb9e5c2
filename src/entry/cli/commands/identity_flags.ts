import type { AdminActor } from "@domain/identity/mod.ts";
import { isEmail } from "@domain/identity/mod.ts";
import { AppError } from "@shared/errors.ts";
import type { Invocation } from "../command.ts";

/** Whoever runs the CLI on the host administers it. */
export const CLI_ACTOR: AdminActor = { kind: "cli" };

export function stringFlag(inv: Invocation, name: string): string | undefined {
  const value = inv.flags[name];
  return typeof value === "string" ? value : undefined;
}

export function emailFlag(inv: Invocation, name = "email"): string {
  const value = stringFlag(inv, name)?.trim() ?? "";
  if (!isEmail(value)) throw new AppError("cli.usage", `--${name} must be an email address`);
  return value;
}

/** A whole number in [min, max], or a usage error naming the flag. */
export function intFlag(inv: Invocation, name: string, min: number, max: number): number | undefined {
  const text = stringFlag(inv, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new AppError("cli.usage", `--${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** `90`, `90s`, `15m`, `24h`, `30d` → seconds, within [1, max]. */
export function durationFlag(inv: Invocation, name: string, max: number): number | undefined {
  const text = stringFlag(inv, name)?.trim();
  if (text === undefined) return undefined;
  const match = /^(\d+)(s|m|h|d)?$/.exec(text);
  const unit = { s: 1, m: 60, h: 3_600, d: 86_400 }[match?.[2] ?? "s"] ?? 1;
  const seconds = match ? Number(match[1]) * unit : NaN;
  if (!(seconds >= 1 && seconds <= max)) {
    throw new AppError(
      "cli.usage",
      `--${name} must be a duration like 30m, 24h or 7d (at most ${max / 86_400} days)`,
    );
  }
  return seconds;
}

/** Text mode prints the credential alone (for `$(…)`); --json/--yaml print the whole record. */
export function printCredential(
  inv: Invocation,
  token: string,
  record: Record<string, unknown>,
  tokenOnly: boolean,
): { kind: "none" } | { kind: "object"; value: Record<string, unknown> } {
  if (tokenOnly || inv.global.format === "text") {
    inv.io.out(`${token}\n`);
    return { kind: "none" };
  }
  return { kind: "object", value: record };
}
