import { dirname, join } from "node:path";
import { AppError } from "@shared/errors.ts";

/**
 * The local journal the audit writer falls back to while PostgreSQL is unreachable: lines appended
 * to numbered segment files (`<dir>/<owner>/00000001.jsonl`) and fsync'd before `append` resolves.
 * Each process owns one subdirectory, held by an exclusive lock on its `.lock` file; a
 * subdirectory whose lock can be taken belongs to a process that died, and its segments are
 * "adopted" and handed out for replay first. Replay works on sealed segments only (`seal()` starts a
 * new segment), so appends never race a reader. A torn last line (a crash mid-write, never
 * acknowledged) is ignored.
 */
export interface JournalOptions {
  readonly dir: string;
  readonly owner: string;
  readonly maxBytes: number;
}

interface Segment {
  readonly path: string;
  bytes: number;
}

interface ActiveSegment extends Segment {
  readonly file: Deno.FsFile;
}

const LOCK_FILE = ".lock";
const SEGMENT = /^\d{8}\.jsonl$/;
const encoder = new TextEncoder();

export class LineJournal implements AsyncDisposable {
  readonly #dir: string;
  readonly #ownDir: string;
  readonly #maxBytes: number;
  readonly #lock: Deno.FsFile;
  readonly #adopted = new Map<string, Deno.FsFile>();
  readonly #sealed: Segment[] = [];
  #active: ActiveSegment | undefined;
  #next = 1;
  #bytes = 0;
  #busy = 0;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(options: JournalOptions, ownDir: string, lock: Deno.FsFile) {
    this.#dir = options.dir;
    this.#ownDir = ownDir;
    this.#maxBytes = options.maxBytes;
    this.#lock = lock;
  }

  static async open(options: JournalOptions): Promise<LineJournal> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const ownDir = join(options.dir, attempt === 0 ? options.owner : `${options.owner}-${attempt}`);
      await Deno.mkdir(ownDir, { recursive: true, mode: 0o700 });
      const lock = await Deno.open(join(ownDir, LOCK_FILE), {
        create: true,
        read: true,
        write: true,
        mode: 0o600,
      });
      if (await lock.tryLock(true)) return new LineJournal(options, ownDir, lock);
      lock.close();
    }
    throw new AppError("audit.unavailable", `cannot lock a journal directory under ${options.dir}`);
  }

  /** Bytes held by this process's own segments (adopted ones are not counted against the limit). */
  get bytes(): number {
    return this.#bytes;
  }

  /** True while this process's own journal holds lines or a write is under way. */
  hasOwnLines(): boolean {
    return this.#busy > 0 || this.#sealed.length > 0 || (this.#active?.bytes ?? 0) > 0;
  }

  /** Appends lines (no newlines inside) durably; `audit.journal_full` beyond the byte limit. */
  append(lines: readonly string[]): Promise<void> {
    const bytes = encoder.encode(lines.map((line) => `${line}\n`).join(""));
    if (this.#bytes + bytes.length > this.#maxBytes) {
      return Promise.reject(
        new AppError("audit.journal_full", `the audit journal is full (${this.#maxBytes} bytes)`),
      );
    }
    this.#bytes += bytes.length;
    this.#busy++;
    return this.#serial(async () => {
      try {
        await this.#write(bytes);
      } catch (error) {
        this.#bytes -= bytes.length;
        throw error;
      } finally {
        this.#busy--;
      }
    });
  }

  /** Closes the current segment (after any write under way); the next append starts a new one. */
  seal(): Promise<void> {
    return this.#serial(() => Promise.resolve(this.#sealActive()));
  }

  /** Sealed segments to replay, oldest first: adopted ones, then this process's own. */
  async pendingSegments(): Promise<string[]> {
    await this.#adoptOrphans();
    const adopted: string[] = [];
    for (const dir of [...this.#adopted.keys()]) {
      const segments = await listSegments(dir);
      if (segments.length === 0) await this.#releaseAdopted(dir);
      adopted.push(...segments);
    }
    return [...adopted, ...this.#sealed.map((s) => s.path)];
  }

  /** The complete lines of a segment. */
  async readSegment(path: string): Promise<string[]> {
    const parts = (await Deno.readTextFile(path)).split("\n");
    parts.pop();
    return parts.filter((line) => line !== "");
  }

  /** Deletes a replayed segment. */
  async removeSegment(path: string): Promise<void> {
    await Deno.remove(path);
    await this.#forget(path);
  }

  /** Keeps a segment that could not be replayed as `<name>.rejected` for an operator. */
  async quarantineSegment(path: string): Promise<string> {
    const target = `${path}.rejected`;
    await Deno.rename(path, target);
    await this.#forget(path);
    return target;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#serial(() => Promise.resolve(this.#sealActive()));
    for (const dir of [...this.#adopted.keys()]) await this.#releaseAdopted(dir);
    if (!this.hasOwnLines() && await isSpent(this.#ownDir)) {
      await Deno.remove(this.#ownDir, { recursive: true });
    }
    this.#lock.close();
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(op);
    this.#tail = run.catch(() => {});
    return run;
  }

  async #write(bytes: Uint8Array): Promise<void> {
    const active = this.#active ?? await this.#openSegment();
    try {
      for (let written = 0; written < bytes.length;) {
        written += await active.file.write(bytes.subarray(written));
      }
      await active.file.sync();
      active.bytes += bytes.length;
    } catch (error) {
      await active.file.truncate(active.bytes).catch(() => {});
      this.#sealActive();
      throw error;
    }
  }

  async #openSegment(): Promise<ActiveSegment> {
    const path = join(this.#ownDir, `${String(this.#next++).padStart(8, "0")}.jsonl`);
    const file = await Deno.open(path, { createNew: true, write: true, append: true, mode: 0o600 });
    using dir = await Deno.open(this.#ownDir, { read: true });
    await dir.sync();
    this.#active = { path, file, bytes: 0 };
    return this.#active;
  }

  #sealActive(): void {
    const active = this.#active;
    if (!active) return;
    this.#active = undefined;
    active.file.close();
    if (active.bytes > 0) this.#sealed.push({ path: active.path, bytes: active.bytes });
    else Deno.removeSync(active.path); // an empty segment (its only write failed and was truncated)
  }

  /** Drops a segment from the books; an adopted directory with no segments left is released. */
  async #forget(path: string): Promise<void> {
    const index = this.#sealed.findIndex((s) => s.path === path);
    if (index !== -1) {
      this.#bytes -= this.#sealed[index]!.bytes;
      this.#sealed.splice(index, 1);
      return;
    }
    const dir = dirname(path);
    if (this.#adopted.has(dir) && (await listSegments(dir)).length === 0) await this.#releaseAdopted(dir);
  }

  async #adoptOrphans(): Promise<void> {
    for await (const entry of Deno.readDir(this.#dir)) {
      const dir = join(this.#dir, entry.name);
      if (!entry.isDirectory || dir === this.#ownDir || this.#adopted.has(dir)) continue;
      const lock = await Deno.open(join(dir, LOCK_FILE), {
        create: true,
        read: true,
        write: true,
        mode: 0o600,
      })
        .catch(() => undefined);
      if (lock && await lock.tryLock(true)) this.#adopted.set(dir, lock);
      else lock?.close();
    }
  }

  async #releaseAdopted(dir: string): Promise<void> {
    if (await isSpent(dir)) await Deno.remove(dir, { recursive: true });
    this.#adopted.get(dir)?.close();
    this.#adopted.delete(dir);
  }
}

async function listSegments(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && SEGMENT.test(entry.name)) names.push(entry.name);
  }
  return names.sort().map((name) => join(dir, name));
}

/** Nothing left in a journal directory but its lock file. */
async function isSpent(dir: string): Promise<boolean> {
  for await (const entry of Deno.readDir(dir)) if (entry.name !== LOCK_FILE) return false;
  return true;
}
