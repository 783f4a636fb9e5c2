import assert from "node:assert/strict";
import { MIGRATIONS } from "@infra/db/migrations.ts";

Deno.test("MIGRATIONS embeds every file of sql/migrations, in order, with its text", async () => {
  const dir = new URL("../sql/migrations/", import.meta.url);
  const files = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".sql")).sort();
  assert.deepEqual(MIGRATIONS.map((m) => `${m.name}.sql`), files);
  MIGRATIONS.forEach((m, i) => assert.equal(m.version, i + 1));
  for (const m of MIGRATIONS) assert.equal(m.sql, await Deno.readTextFile(new URL(`${m.name}.sql`, dir)));
});
