import assert from "node:assert/strict";
import {
  auditedToolName,
  isContentOwnName,
  parseAuditedToolName,
  promptOwnName,
  resourceOwnName,
} from "./names.ts";

Deno.test("resources and prompts get audited names beside tools, told apart by their prefix", () => {
  const resource = auditedToolName("files", resourceOwnName("file:///etc/notes__x.txt"));
  assert.equal(resource, "mcp__files__resource:file:///etc/notes__x.txt");
  assert.deepEqual(parseAuditedToolName(resource), {
    server: "files",
    tool: "resource:file:///etc/notes__x.txt",
  });
  assert.equal(auditedToolName("files", promptOwnName("greet")), "mcp__files__prompt:greet");
  assert.ok(isContentOwnName("resource:x") && isContentOwnName("prompt:y"));
  assert.ok(!isContentOwnName("echo") && !isContentOwnName("my.resource"));
});
