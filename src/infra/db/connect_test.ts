import assert from "node:assert/strict";
import { redactUrl } from "./connect.ts";

Deno.test("redactUrl() masks the password and secret-looking query values", () => {
  assert.equal(
    redactUrl("postgres://sp:hunter2@db:5432/x?sslpassword=abc&host=/tmp"),
    "postgres://sp:***@db:5432/x?sslpassword=***&host=%2Ftmp",
  );
  assert.equal(redactUrl("not a url"), "<unparseable database url>");
});
