import assert from "node:assert/strict";
import { ProblemList } from "./config_error.ts";
import { interpolate } from "./interpolate.ts";

Deno.test("interpolate() replaces ${VAR} and ${VAR:-default} in nested strings", () => {
  const problems = new ProblemList();
  const out = interpolate(
    { server: { host: "${HOST}", port: "${PORT:-8080}" }, list: ["a-${HOST}"] },
    { HOST: "0.0.0.0" },
    { file: "p.yaml", problems },
  );
  assert.deepEqual(out, { server: { host: "0.0.0.0", port: "8080" }, list: ["a-0.0.0.0"] });
  assert.equal(problems.items.length, 0);
});

Deno.test("interpolate() reports an unset variable without default with its key path", () => {
  const problems = new ProblemList();
  interpolate({ database: { list: ["${MISSING}"] } }, {}, { file: "p.yaml", problems });
  assert.deepEqual(problems.items, [{
    file: "p.yaml",
    path: "database.list[0]",
    message: "environment variable MISSING is not set and has no default",
  }]);
});

Deno.test("interpolate() leaves numbers, booleans and plain text alone", () => {
  const problems = new ProblemList();
  assert.deepEqual(interpolate({ a: 1, b: true, c: "$HOME" }, {}, { file: "f", problems }), {
    a: 1,
    b: true,
    c: "$HOME",
  });
});
