/**
 * sd_notify(3) for `Type=notify` units: `READY=1` once migrations ran and the listener is up,
 * `STOPPING=1` when the drain starts, and `WATCHDOG=1` every half `WATCHDOG_USEC` when systemd asks
 * for a watchdog. Messages are datagrams on the unix socket named by `NOTIFY_SOCKET` (a path, or
 * `@name` for the abstract namespace); ours is bound to a fresh abstract address, so nothing is
 * created on disk. Deno exposes unix datagram sockets only with `--unstable-net` (the compiled
 * binary and the runtime bundle pass it). Without `NOTIFY_SOCKET` every call is a no-op; a failed
 * send is logged and never stops the server.
 */
import type { Logger } from "@shared/logger.ts";
import { type NotifyTarget, parseNotifyTarget, watchdogIntervalMs } from "./notify_env.ts";

export interface SystemdNotifier extends AsyncDisposable {
  /** True when systemd listens (`NOTIFY_SOCKET` set and datagram sockets available). */
  readonly enabled: boolean;
  /** `READY=1` plus a status line; starts the watchdog pings when systemd asked for them. */
  ready(status: string): Promise<void>;
  /** `STOPPING=1`; stops the watchdog pings. */
  stopping(status: string): Promise<void>;
}

type ListenDatagram = (options: Deno.UnixListenOptions & { transport: "unixpacket" }) => Deno.DatagramConn;

export interface NotifierOptions {
  /** Defaults to `Deno.listenDatagram`, absent without `--unstable-net`. */
  readonly listenDatagram?: ListenDatagram | undefined;
  readonly pid?: number;
}

const encoder = new TextEncoder();

export function openSystemdNotifier(
  env: Readonly<Record<string, string>>,
  log: Logger,
  options: NotifierOptions = {},
): SystemdNotifier {
  const target = parseNotifyTarget(env["NOTIFY_SOCKET"]);
  if (target.kind === "none") return disabledNotifier;
  if (target.kind === "unsupported") {
    log.warn("systemd.notify_unsupported", { notify_socket: target.value });
    return disabledNotifier;
  }
  const listen = "listenDatagram" in options ? options.listenDatagram : Deno.listenDatagram;
  if (typeof listen !== "function") {
    log.warn("systemd.notify_unavailable", { reason: "unix datagram sockets need --unstable-net" });
    return disabledNotifier;
  }
  const pid = options.pid ?? Deno.pid;
  return createNotifier(listen, target, watchdogIntervalMs(env, pid), log);
}

const disabledNotifier: SystemdNotifier = {
  enabled: false,
  ready: () => Promise.resolve(),
  stopping: () => Promise.resolve(),
  [Symbol.asyncDispose]: () => Promise.resolve(),
};

function createNotifier(
  listen: ListenDatagram,
  target: NotifyTarget,
  watchdogMs: number | undefined,
  log: Logger,
): SystemdNotifier {
  const conn = listen({ transport: "unixpacket", path: `\0systemprompt-notify-${crypto.randomUUID()}` });
  let timer: ReturnType<typeof setInterval> | undefined;
  let failures = 0;
  const send = async (message: string) => {
    try {
      await conn.send(encoder.encode(message), { transport: "unixpacket", path: target.path });
    } catch (error) {
      if (failures++ === 0) log.warn("systemd.notify_failed", { error, message: message.split("=")[0] });
    }
  };
  const stopWatchdog = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  return {
    enabled: true,
    ready: async (status) => {
      await send(`READY=1\nSTATUS=${oneLine(status)}`);
      if (watchdogMs === undefined || timer !== undefined) return;
      const interval = setInterval(() => void send("WATCHDOG=1"), watchdogMs);
      Deno.unrefTimer(interval);
      timer = interval;
      log.info("systemd.watchdog", { interval_ms: watchdogMs });
    },
    stopping: async (status) => {
      stopWatchdog();
      await send(`STOPPING=1\nSTATUS=${oneLine(status)}`);
    },
    [Symbol.asyncDispose]: () => {
      stopWatchdog();
      conn.close();
      return Promise.resolve();
    },
  };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
