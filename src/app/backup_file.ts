import { invalidBackup } from "./backup_format.ts";

/**
 * Backup files on disk. Writing goes to a temporary file (0600: a backup holds password hashes,
 * vault ciphertexts and the audit trail) through gzip, is fsync'd and then renamed into place, so a
 * failed backup never leaves a partial file under the final name. Reading accepts the gzip'd file
 * or its uncompressed JSON lines.
 */
export interface BackupSink {
  /** Appends lines (each without its newline). */
  write(lines: readonly string[]): Promise<void>;
}

const encoder = new TextEncoder();

export async function writeBackupFile<T>(
  path: string,
  produce: (sink: BackupSink) => Promise<T>,
): Promise<{ result: T; bytes: number }> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
  const gzip = new CompressionStream("gzip");
  const piped = (async () => {
    for await (const chunk of gzip.readable) await writeAll(file, chunk);
  })();
  const writer = gzip.writable.getWriter();
  try {
    const result = await produce({
      write: (lines) => writer.write(encoder.encode(lines.map((line) => `${line}\n`).join(""))),
    });
    await writer.close();
    await piped;
    await file.sync();
    file.close();
    await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, path);
    return { result, bytes: (await Deno.stat(path)).size };
  } catch (error) {
    await writer.abort(error).catch(() => {});
    await piped.catch(() => {});
    try {
      file.close();
    } catch { /* closed already */ }
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

async function writeAll(file: Deno.FsFile, chunk: Uint8Array): Promise<void> {
  for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
}

/** The lines of a backup file, gzip'd or not; unreadable input is `db.backup_invalid`. */
export async function* readBackupLines(path: string): AsyncGenerator<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw invalidBackup(`cannot read ${path}: ${(error as Error).message}`, error);
  }
  try {
    const magic = new Uint8Array(2);
    const n = await file.read(magic);
    await file.seek(0, Deno.SeekMode.Start);
    const gzipped = n === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    const bytes = gzipped ? file.readable.pipeThrough(new DecompressionStream("gzip")) : file.readable;
    yield* splitLines(bytes.pipeThrough(new TextDecoderStream()));
  } catch (error) {
    if (error instanceof TypeError) {
      throw invalidBackup(`${path} is not a readable backup (corrupt gzip data)`, error);
    }
    throw error;
  } finally {
    try {
      file.close();
    } catch { /* the readable stream closed it */ }
  }
}

async function* splitLines(text: ReadableStream<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of text) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    yield* parts;
  }
  if (rest !== "") yield rest;
}
