/**
 * What systemd's environment asks of a notify service: where to send (`NOTIFY_SOCKET`) and how
 * often to ping the watchdog (`WATCHDOG_USEC`, for this process only when `WATCHDOG_PID` is set).
 */
export type NotifyTarget = { readonly kind: "path"; readonly path: string };

export type ParsedNotifyTarget =
  | NotifyTarget
  | { readonly kind: "none" }
  | { readonly kind: "unsupported"; readonly value: string };

/** `/run/systemd/notify` → that path; `@name` → the abstract address `\0name`; `vsock:…` unsupported. */
export function parseNotifyTarget(value: string | undefined): ParsedNotifyTarget {
  if (value === undefined || value === "") return { kind: "none" };
  if (value.startsWith("/")) return { kind: "path", path: value };
  if (value.startsWith("@") && value.length > 1) return { kind: "path", path: `\0${value.slice(1)}` };
  return { kind: "unsupported", value };
}

/**
 * Half the watchdog timeout (systemd's advice), at least 100 ms; undefined when no watchdog is
 * asked for, the value is malformed, or `WATCHDOG_PID` names another process.
 */
export function watchdogIntervalMs(env: Readonly<Record<string, string>>, pid: number): number | undefined {
  const usec = env["WATCHDOG_USEC"];
  if (usec === undefined || !/^\d{1,15}$/.test(usec) || Number(usec) === 0) return undefined;
  const forPid = env["WATCHDOG_PID"];
  if (forPid !== undefined && forPid !== "" && forPid !== String(pid)) return undefined;
  return Math.max(100, Math.floor(Number(usec) / 2000));
}
