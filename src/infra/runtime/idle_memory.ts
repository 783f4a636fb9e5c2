import type { Logger } from "@shared/logger.ts";

/**
 * Gives back the memory a burst of requests grew, once the server goes quiet. V8 keeps the heap it
 * grew under load (the old generation may fill to the 96 MiB floor of V8_FLAGS in scripts/compile.ts
 * before it is collected) and the C allocator keeps the buffers it freed; in a server that idles
 * between bursts both were returned late or never: ~250 MiB resident after the benchmark's load
 * against ~120 at start (tests/bench/analysis.md, session sixteen).
 *
 * So after `quietMs` with no request started, if the resident set has grown by `minGrowthBytes`
 * since the last trim, the trim runs once: V8's memory-reducing full collection ("last resort":
 * every unreachable object, then the emptied pages back to the system) and glibc's `malloc_trim`.
 * It costs a request nothing but a counter: a timer looks every `quietMs` whether the count moved
 * (so a trim comes between one and two `quietMs` after the last request started) and is not armed
 * while the server idles. Each half needs what the server's flags give it (`--expose-gc` in
 * V8_FLAGS, `--allow-ffi` for libc in PERMISSIONS); without either (tests, `deno run` by hand)
 * that half is skipped, and without both `touch` does nothing.
 */
export interface IdleMemory extends Disposable {
  /** A request started. */
  touch(): void;
}

export interface IdleMemoryOptions {
  readonly log: Logger;
  readonly quietMs?: number;
  readonly minGrowthBytes?: number;
  /** The trim to run (default: the collection and `malloc_trim`, whichever this process may run). */
  readonly trim?: () => void;
  /** Resident bytes now (default: the process's resident set). */
  readonly residentBytes?: () => number;
}

const QUIET_MS = 1_000;
const MIN_GROWTH_BYTES = 16 * 1024 * 1024;

export function startIdleMemory(options: IdleMemoryOptions): IdleMemory {
  const libc = options.trim ? undefined : openLibc();
  const trim = options.trim ?? defaultTrim(libc);
  const resident = options.residentBytes ?? (() => Deno.memoryUsage().rss);
  const quietMs = options.quietMs ?? QUIET_MS;
  const minGrowth = options.minGrowthBytes ?? MIN_GROWTH_BYTES;
  let baseline = trim ? resident() : 0;
  let started = 0;
  let seen = 0;
  let timer: number | undefined;

  const arm = () => {
    timer = Number(setTimeout(look, quietMs));
    Deno.unrefTimer(timer);
  };
  const look = () => {
    timer = undefined;
    if (started !== seen) {
      seen = started;
      arm();
      return;
    }
    const before = resident();
    if (before - baseline < minGrowth) return;
    const t0 = performance.now();
    try {
      trim!();
    } catch (error) {
      options.log.warn("runtime.memory_trim_failed", { error: String(error) });
    }
    baseline = resident();
    options.log.debug("runtime.memory_trimmed", {
      rss_before_mib: Math.round(before / MIB),
      rss_after_mib: Math.round(baseline / MIB),
      ms: Math.round(performance.now() - t0),
    });
  };

  return {
    touch: trim
      ? () => {
        started++;
        if (timer === undefined) arm();
      }
      : () => {},
    [Symbol.dispose]: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      libc?.close();
    },
  };
}

const MIB = 1024 * 1024;

type ExposedGc = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

function defaultTrim(libc: Libc | undefined): (() => void) | undefined {
  const gc = (globalThis as { gc?: ExposedGc }).gc;
  const collect = typeof gc === "function" ? gc : undefined;
  if (!collect && !libc) return undefined;
  return () => {
    collect?.({ type: "major", execution: "sync", flavor: "last-resort" });
    libc?.symbols.malloc_trim(0n);
  };
}

/** Where glibc lives on the distributions we ship for (Debian/Ubuntu, then RHEL-like). */
export const LIBC_PATHS = [
  "/usr/lib/x86_64-linux-gnu/libc.so.6",
  "/lib/x86_64-linux-gnu/libc.so.6",
  "/usr/lib64/libc.so.6",
  "/lib64/libc.so.6",
] as const;

const LIBC_SYMBOLS = { malloc_trim: { parameters: ["usize"], result: "i32" } } as const;
type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>;

/** glibc's `malloc_trim`, where this process may load it (`--allow-ffi` for one of LIBC_PATHS). */
function openLibc(): Libc | undefined {
  for (const path of LIBC_PATHS) {
    try {
      return Deno.dlopen(path, LIBC_SYMBOLS);
    } catch {
      // not there, not glibc, or not permitted: the next, else no malloc_trim
    }
  }
  return undefined;
}
