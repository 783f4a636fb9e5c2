import assert from "node:assert/strict";
import { orderByDependencies } from "./backup_catalog.ts";

const names = (tables: { name: string }[]) => tables.map((t) => t.name);

Deno.test("orderByDependencies() puts referenced tables first, else name order", () => {
  const tables = [{ name: "sessions" }, { name: "api_keys" }, { name: "users" }, { name: "audit" }];
  const deps = [{ child: "sessions", parent: "users" }, { child: "api_keys", parent: "users" }];
  assert.deepEqual(names(orderByDependencies(tables, deps)), ["audit", "users", "api_keys", "sessions"]);
});

Deno.test("orderByDependencies() keeps a reference cycle at the end instead of looping", () => {
  const tables = [{ name: "a" }, { name: "b" }, { name: "c" }];
  const deps = [{ child: "a", parent: "b" }, { child: "b", parent: "a" }, {
    child: "a",
    parent: "elsewhere",
  }];
  assert.deepEqual(names(orderByDependencies(tables, deps)), ["c", "a", "b"]);
});
