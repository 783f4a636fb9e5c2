import assert from "node:assert/strict";
import { AppError } from "@shared/errors.ts";
import { command, group } from "./command.ts";
import { parseCommandArgs, parseGlobalFlags, resolveCommand } from "./parse_args.ts";

const query = command({
  name: "query",
  summary: "q",
  positionals: [{ name: "sql", summary: "s", required: true }],
  flags: [{ name: "limit", type: "string", summary: "l" }, { name: "dry", type: "boolean", summary: "d" }],
  run: () => Promise.resolve({ kind: "none" }),
});
const tree = group("root", "r", [group("infra", "i", [group("db", "d", [query])])]);

Deno.test("parseGlobalFlags() takes global flags anywhere and drops a leading --", () => {
  const { global, rest } = parseGlobalFlags([
    "--",
    "infra",
    "--json",
    "db",
    "--profile",
    "prod",
    "-v",
    "query",
    "x",
  ]);
  assert.deepEqual(rest, ["infra", "db", "query", "x"]);
  assert.equal(global.format, "json");
  assert.equal(global.profile, "prod");
  assert.equal(global.verbosity, "verbose");
});

Deno.test("parseGlobalFlags() rejects --profile without a value as a usage error", () => {
  assert.throws(
    () => parseGlobalFlags(["--profile"]),
    (e) => e instanceof AppError && e.code === "cli.usage",
  );
});

Deno.test("resolveCommand() walks groups and stops at the first unknown word", () => {
  const found = resolveCommand(tree, ["infra", "db", "query", "select 1"]);
  assert.deepEqual(found.path, ["infra", "db", "query"]);
  assert.equal(found.node, query);
  assert.deepEqual(found.rest, ["select 1"]);
  const partial = resolveCommand(tree, ["infra", "nope"]);
  assert.deepEqual(partial.path, ["infra"]);
  assert.deepEqual(partial.rest, ["nope"]);
});

Deno.test("parseCommandArgs() reads string and boolean flags in both spellings", () => {
  const args = parseCommandArgs(query, ["--limit=5", "select 1", "--dry"]);
  assert.deepEqual(args.flags, { limit: "5", dry: true });
  assert.deepEqual(args.positionals, ["select 1"]);
  assert.deepEqual(parseCommandArgs(query, ["--limit", "7", "x"]).flags, { limit: "7" });
});

Deno.test("parseCommandArgs() reports unknown flags, missing and extra arguments as usage errors", () => {
  const usage = (e: unknown) => e instanceof AppError && e.code === "cli.usage";
  assert.throws(() => parseCommandArgs(query, ["--nope", "x"]), usage);
  assert.throws(() => parseCommandArgs(query, []), usage);
  assert.throws(() => parseCommandArgs(query, ["a", "b"]), usage);
  assert.throws(() => parseCommandArgs(query, ["x", "--limit"]), usage);
});
