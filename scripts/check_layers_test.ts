import assert from "node:assert/strict";
import {
  classifyPath,
  decideImport,
  findImportSpecifiers,
  findViolations,
  type ImportMap,
  type Layer,
  parseImportMap,
  resolveSpecifier,
} from "./check_layers.ts";

const IMPORTS: ImportMap = {
  "@shared/": "./src/shared/",
  "@infra/": "./src/infra/",
  "@domain/": "./src/domain/",
  "@app/": "./src/app/",
  "@entry/": "./src/entry/",
  "@sql/": "./sql/",
  "hono": "npm:hono@^4",
  "hono/": "npm:/hono@^4/",
};

const SHARED: Layer = { kind: "shared" };
const INFRA: Layer = { kind: "infra" };
const APP: Layer = { kind: "app" };
const ENTRY: Layer = { kind: "entry" };
const MAIN: Layer = { kind: "main" };
const IDENTITY: Layer = { kind: "domain", domain: "identity" };

function local(path: string) {
  return { kind: "local", path } as const;
}

Deno.test("classifyPath() maps project paths to layers", () => {
  assert.deepEqual(classifyPath("main.ts"), MAIN);
  assert.deepEqual(classifyPath("src/shared/ids.ts"), SHARED);
  assert.deepEqual(classifyPath("src/infra/db/pool.ts"), INFRA);
  assert.deepEqual(classifyPath("src/domain/identity/mod.ts"), IDENTITY);
  assert.deepEqual(classifyPath("src/app/context.ts"), APP);
  assert.deepEqual(classifyPath("src/entry/http/routes.ts"), ENTRY);
  assert.equal(classifyPath("src/domain/loose.ts"), undefined);
  assert.equal(classifyPath("src/misc.ts"), undefined);
  assert.equal(classifyPath("scripts/check.ts"), undefined);
});

Deno.test("decideImport() allows imports that point down or sideways within a layer", () => {
  assert.equal(decideImport(SHARED, local("src/shared/errors.ts")).kind, "allowed");
  assert.equal(decideImport(INFRA, local("src/shared/errors.ts")).kind, "allowed");
  assert.equal(decideImport(IDENTITY, local("src/domain/identity/repo.ts")).kind, "allowed");
  assert.equal(decideImport(IDENTITY, local("src/infra/db/pool.ts")).kind, "allowed");
  assert.equal(decideImport(ENTRY, local("src/domain/identity/mod.ts")).kind, "allowed");
  assert.equal(decideImport(APP, { kind: "package", specifier: "npm:zod" }).kind, "allowed");
  assert.equal(decideImport(MAIN, local("src/entry/cli/main.ts")).kind, "allowed");
});

Deno.test("decideImport() lets every layer read sql/ text", () => {
  assert.equal(decideImport(SHARED, local("sql/queries/users/find.sql")).kind, "allowed");
  assert.equal(decideImport(IDENTITY, local("sql/queries/users/find.sql")).kind, "allowed");
});

Deno.test("decideImport() denies upward, cross-domain and out-of-layer imports", () => {
  assert.deepEqual(decideImport(INFRA, local("src/app/context.ts")), { kind: "denied", reason: "app" });
  assert.deepEqual(decideImport(SHARED, local("src/infra/log.ts")), { kind: "denied", reason: "infra" });
  assert.deepEqual(decideImport(IDENTITY, local("src/domain/policy/mod.ts")), {
    kind: "denied",
    reason: "domain/policy",
  });
  assert.equal(decideImport(APP, local("scripts/check.ts")).kind, "denied");
  assert.equal(decideImport(ENTRY, local("main.ts")).kind, "denied");
  assert.equal(decideImport(MAIN, local("src/app/context.ts")).kind, "denied");
});

Deno.test("decideImport() keeps packages out of src/shared and main.ts", () => {
  assert.deepEqual(decideImport(SHARED, { kind: "package", specifier: "npm:zod" }), {
    kind: "denied",
    reason: "package",
  });
  assert.equal(decideImport(SHARED, { kind: "package", specifier: "node:crypto" }).kind, "denied");
  assert.equal(decideImport(MAIN, { kind: "package", specifier: "hono" }).kind, "denied");
});

Deno.test("resolveSpecifier() resolves aliases, relative paths and packages", () => {
  assert.deepEqual(resolveSpecifier("@shared/ids.ts", "src/app/x.ts", IMPORTS), local("src/shared/ids.ts"));
  assert.deepEqual(resolveSpecifier("@sql/q/a.sql", "src/infra/x.ts", IMPORTS), local("sql/q/a.sql"));
  assert.deepEqual(
    resolveSpecifier("../db/pool.ts", "src/infra/log/x.ts", IMPORTS),
    local("src/infra/db/pool.ts"),
  );
  assert.deepEqual(resolveSpecifier("./src/entry/cli.ts", "main.ts", IMPORTS), local("src/entry/cli.ts"));
  assert.deepEqual(resolveSpecifier("../../../../etc/x.ts", "src/app/x.ts", IMPORTS), local("/etc/x.ts"));
  assert.deepEqual(resolveSpecifier("hono", "src/entry/x.ts", IMPORTS), {
    kind: "package",
    specifier: "npm:hono@^4",
  });
  assert.deepEqual(resolveSpecifier("hono/cors", "src/entry/x.ts", IMPORTS), {
    kind: "package",
    specifier: "npm:/hono@^4/cors",
  });
  assert.deepEqual(resolveSpecifier("node:fs", "src/infra/x.ts", IMPORTS), {
    kind: "package",
    specifier: "node:fs",
  });
});

Deno.test("findImportSpecifiers() finds every import form with its line", () => {
  const source = [
    'import a from "./a.ts";',
    "import {",
    "  b,",
    '} from "./b.ts";',
    'import type { C } from "./c.ts";',
    'export { d } from "./d.ts";',
    'export * from "./e.ts";',
    'import "./f.ts";',
    'const g = await import("./g.ts");',
    'import h from "@sql/h.sql" with { type: "text" };',
    "type I = typeof import('./i.ts');",
  ].join("\n");
  assert.deepEqual(findImportSpecifiers(source), [
    { value: "./a.ts", line: 1 },
    { value: "./b.ts", line: 4 },
    { value: "./c.ts", line: 5 },
    { value: "./d.ts", line: 6 },
    { value: "./e.ts", line: 7 },
    { value: "./f.ts", line: 8 },
    { value: "./g.ts", line: 9 },
    { value: "@sql/h.sql", line: 10 },
    { value: "./i.ts", line: 11 },
  ]);
});

Deno.test("findImportSpecifiers() ignores comments, strings, templates and regex literals", () => {
  const source = [
    '// import x from "./comment.ts";',
    '/* import y from "./block.ts";',
    '   export * from "./block2.ts"; */',
    "const s = \"read from './string.ts'\";",
    'const t = `import "./template.ts"`;',
    "const r = /[\"']/g; const u = Array.from('./array.ts');",
    'const url = "https://example.com"; import z from "./real.ts";',
  ].join("\n");
  assert.deepEqual(findImportSpecifiers(source), [{ value: "./real.ts", line: 7 }]);
});

Deno.test("findViolations() reports path:line: <layer> may not import <target>", () => {
  const source = ['import { ok } from "@shared/ok.ts";', "", 'import { ctx } from "@app/context.ts";'].join(
    "\n",
  );
  assert.deepEqual(findViolations("src/infra/db/pool.ts", source, IMPORTS), [
    "src/infra/db/pool.ts:3: infra may not import @app/context.ts (app)",
  ]);
  assert.deepEqual(findViolations("src/shared/ids.ts", 'import { z } from "zod";', IMPORTS), [
    "src/shared/ids.ts:1: shared may not import zod (package)",
  ]);
  assert.equal(findViolations("src/stray.ts", "", IMPORTS).length, 1);
});

Deno.test("parseImportMap() keeps string entries of deno.json imports", () => {
  assert.deepEqual(parseImportMap('{"imports": {"@shared/": "./src/shared/", "bad": 1}}'), {
    "@shared/": "./src/shared/",
  });
  assert.deepEqual(parseImportMap("{}"), {});
});
