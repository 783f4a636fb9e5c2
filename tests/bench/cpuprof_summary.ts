/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`): self time per function and per
 * source file, heaviest first. `deno run -A tests/bench/cpuprof_summary.ts <file.cpuprofile> [top]`
 */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly functions: readonly { name: string; where: string; selfMs: number; pct: number }[];
  readonly files: readonly { file: string; selfMs: number; pct: number }[];
}

export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const file = shortUrl(node.callFrame.url) || `(${node.callFrame.functionName || "native"})`;
    const name = node.callFrame.functionName || "(anonymous)";
    const key = `${name}@${file}:${node.callFrame.lineNumber + 1}`;
    const entry = byFunction.get(key) ?? { name, where: `${file}:${node.callFrame.lineNumber + 1}`, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const pct = (us: number) => Math.round((us / total) * 1000) / 10;
  return {
    totalMs: Math.round(total / 1000),
    functions: [...byFunction.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({
      name: f.name,
      where: f.where,
      selfMs: Math.round(f.us / 1000),
      pct: pct(f.us),
    })),
    files: [...byFile.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([file, us]) => ({
      file,
      selfMs: Math.round(us / 1000),
      pct: pct(us),
    })),
  };
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/work\/main\//, "").replace(/^.*\/node_modules\/\.deno\//, "npm:")
    .replace(/^.*\/registry\.npmjs\.org\//, "npm:");
}

if (import.meta.main) {
  const [file, top] = Deno.args;
  if (!file) throw new Error("usage: cpuprof_summary.ts <file.cpuprofile> [top]");
  const summary = summarizeProfile(
    JSON.parse(await Deno.readTextFile(file)) as CpuProfile,
    Number(top ?? 25),
  );
  console.log(`total sampled: ${summary.totalMs} ms`);
  console.log("\nself time by file:");
  for (const f of summary.files) console.log(`${String(f.pct).padStart(5)}%  ${f.selfMs} ms  ${f.file}`);
  console.log("\nself time by function:");
  for (const f of summary.functions) {
    console.log(`${String(f.pct).padStart(5)}%  ${f.selfMs} ms  ${f.name}  ${f.where}`);
  }
}
