import { command } from "../command.ts";

export const buildInfo = command({
  name: "info",
  summary: "Version, commit and build date of this executable",
  run: (inv) =>
    Promise.resolve({
      kind: "object",
      value: {
        version: inv.build.version,
        commit: inv.build.commit,
        build_date: inv.build.buildDate,
        deno: Deno.version.deno,
      },
    }),
});
