/** Every file below `root/dir`, as paths relative to `root` (`dir/a/b.ts`); a missing dir is empty. */
export async function listFiles(root: string, dir: string): Promise<string[]> {
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(`${root}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) files.push(...await listFiles(root, path));
      else if (entry.isFile) files.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files;
}
