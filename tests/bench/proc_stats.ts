/**
 * Resource figures read from /proc: a process's resident set and CPU time, a process tree's CPU
 * time (PostgreSQL's postmaster and its backends), and the whole machine's busy time, so every
 * measurement can say how much of the two cores the server, the database, the generator and
 * everybody else used.
 */
const TICKS_PER_SECOND = 100; // USER_HZ on Linux x86-64

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "";
  }
}

/** Resident set size in MiB (0 when the process is gone). */
export async function rssMiB(pid: number): Promise<number> {
  const match = /VmRSS:\s+(\d+) kB/.exec(await readText(`/proc/${pid}/status`));
  return match ? Number(match[1]) / 1024 : 0;
}

interface StatFields {
  readonly ppid: number;
  /** utime + stime, seconds. */
  readonly cpu: number;
  /** cutime + cstime (reaped children), seconds. */
  readonly childCpu: number;
}

async function statOf(pid: number | "self"): Promise<StatFields | undefined> {
  const text = await readText(`/proc/${pid}/stat`);
  if (!text) return undefined;
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" "); // fields[0] is field 3 (state)
  const n = (i: number) => Number(fields[i - 3] ?? 0);
  return {
    ppid: n(4),
    cpu: (n(14) + n(15)) / TICKS_PER_SECOND,
    childCpu: (n(16) + n(17)) / TICKS_PER_SECOND,
  };
}

/** CPU seconds used so far by one process. */
export async function cpuSeconds(pid: number | "self"): Promise<number> {
  return (await statOf(pid))?.cpu ?? 0;
}

/** CPU seconds of a process, its direct children (e.g. PostgreSQL backends) and its reaped children. */
export async function treeCpuSeconds(rootPid: number): Promise<number> {
  const root = await statOf(rootPid);
  if (!root) return 0;
  let total = root.cpu + root.childCpu;
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const stat = await statOf(Number(entry.name));
    if (stat?.ppid === rootPid) total += stat.cpu;
  }
  return total;
}

/** Direct children of a process (the postgres backends of a postmaster). */
export async function childPids(rootPid: number): Promise<number[]> {
  const out: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    if ((await statOf(Number(entry.name)))?.ppid === rootPid) out.push(Number(entry.name));
  }
  return out;
}

/** Busy and total CPU seconds of the whole machine (all cores) since boot. */
export async function machineCpu(): Promise<{ busy: number; total: number }> {
  const line = (await readText("/proc/stat")).split("\n", 1)[0] ?? "";
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0) / TICKS_PER_SECOND;
  const idle = ((values[3] ?? 0) + (values[4] ?? 0)) / TICKS_PER_SECOND;
  return { busy: total - idle, total };
}

export interface CpuWindow {
  /** Cores used on average during the window (1.0 = one core fully busy). */
  readonly server: number;
  readonly db: number | null;
  readonly generator: number;
  readonly machine: number;
  /** Machine minus server, database and generator: other tenants of the machine. */
  readonly other: number;
}

export interface CpuMark {
  readonly at: number;
  readonly server: number;
  readonly db: number;
  readonly generator: number;
  readonly machine: number;
}

export async function markCpu(serverPid: number, dbPid: number | undefined): Promise<CpuMark> {
  const [server, db, generator, machine] = await Promise.all([
    cpuSeconds(serverPid),
    dbPid === undefined ? Promise.resolve(0) : treeCpuSeconds(dbPid),
    cpuSeconds("self"),
    machineCpu(),
  ]);
  return { at: performance.now(), server, db, generator, machine: machine.busy };
}

export function cpuBetween(a: CpuMark, b: CpuMark, hasDb: boolean): CpuWindow {
  const seconds = Math.max(0.001, (b.at - a.at) / 1000);
  const r = (x: number) => Math.round((x / seconds) * 100) / 100;
  const server = b.server - a.server;
  const db = hasDb ? b.db - a.db : 0;
  const generator = b.generator - a.generator;
  const machine = b.machine - a.machine;
  return {
    server: r(server),
    db: hasDb ? r(db) : null,
    generator: r(generator),
    machine: r(machine),
    other: r(Math.max(0, machine - server - db - generator)),
  };
}
