import assert from "node:assert/strict";
import { isAppError } from "@shared/errors.ts";
import type { Migration } from "@infra/db/migrations.ts";
import {
  type BackupHeader,
  checkCompatible,
  fillTemplate,
  headerSchema,
  parseLine,
  quoteIdent,
  rowJsonOf,
  rowLine,
} from "./backup_format.ts";

const known: Migration[] = [
  { version: 1, name: "0001_a", sql: "create table a ()" },
  { version: 2, name: "0002_b", sql: "create table b ()" },
];
const fakeChecksum = (sql: string) => Promise.resolve(`sum:${sql.length}`);

function header(overrides: Partial<BackupHeader> = {}): BackupHeader {
  return {
    format: "systemprompt-backup",
    format_version: 1,
    schema_version: 1,
    migrations: [{ version: 1, name: "0001_a", checksum: "sum:17" }],
    product_version: "0.1.0",
    created_at: "2026-12-01T00:00:00.000Z",
    source: "pglite",
    ...overrides,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

Deno.test("rowLine() wraps row JSON verbatim and rowJsonOf() takes it back without parsing", () => {
  const row = '{"id":9007199254740993,"n":12345678901234567890.123,"t":"a\\"b"}';
  assert.equal(rowJsonOf(rowLine(row)), row);
  assert.equal(rowJsonOf('{"table":"users","columns":["id"]}'), undefined);
});

Deno.test("quoteIdent() and fillTemplate() quote identifiers, embedded quotes included", () => {
  assert.equal(quoteIdent('we"ird'), '"we""ird"');
  assert.equal(
    fillTemplate("insert into {{table}} ({{columns}}) select {{columns}}", "t", ["a", "b c"]),
    'insert into "t" ("a", "b c") select "a", "b c"',
  );
});

Deno.test("checkCompatible() accepts an older schema made with the same migrations", async () => {
  assert.equal(await codeOf(checkCompatible(header(), known, fakeChecksum)), "ok");
});

Deno.test("checkCompatible() refuses a newer schema, other migrations and other formats", async () => {
  const cases: [Partial<BackupHeader>, string][] = [
    [{ schema_version: 3 }, "db.backup_schema_newer"],
    [{ migrations: [{ version: 1, name: "0001_a", checksum: "other" }] }, "db.backup_invalid"],
    [{ migrations: [{ version: 1, name: "0001_renamed", checksum: "sum:17" }] }, "db.backup_invalid"],
    [{ schema_version: 2 }, "db.backup_invalid"],
    [{ format_version: 2 }, "db.backup_invalid"],
  ];
  for (const [overrides, code] of cases) {
    assert.equal(
      await codeOf(checkCompatible(header(overrides), known, fakeChecksum)),
      code,
      JSON.stringify(overrides),
    );
  }
});

Deno.test("parseLine() turns anything but a well-formed line into db.backup_invalid", async () => {
  assert.equal(parseLine(headerSchema, JSON.stringify(header()), "header").schema_version, 1);
  assert.equal(
    await codeOf(Promise.resolve().then(() => parseLine(headerSchema, "not json", "header"))),
    "db.backup_invalid",
  );
  assert.equal(
    await codeOf(Promise.resolve().then(() => parseLine(headerSchema, "{}", "header"))),
    "db.backup_invalid",
  );
});
