/** Recursive copy of a directory of regular files (the repository's `services/`). */
export async function copy(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) await copy(source, target);
    else if (entry.isFile) await Deno.copyFile(source, target);
  }
}
