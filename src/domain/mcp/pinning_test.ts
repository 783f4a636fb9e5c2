import assert from "node:assert/strict";
import { type PinnableTool, reconcilePins, type StoredPin, toolFingerprint } from "./pinning.ts";

const tool = (name: string, description = "does things"): PinnableTool => ({
  name,
  description,
  inputSchema: { type: "object", properties: { a: { type: "string" } } },
});
const clean = () => undefined;
const stored = (pins: StoredPin[]) => new Map(pins.map((p) => [p.tool, p]));

Deno.test("toolFingerprint() covers name, description and schema, not key order", () => {
  const a = toolFingerprint({ name: "t", description: "d", inputSchema: { type: "object", x: 1, y: 2 } });
  assert.equal(
    a,
    toolFingerprint({ name: "t", description: "d", inputSchema: { y: 2, type: "object", x: 1 } }),
  );
  assert.notEqual(
    a,
    toolFingerprint({ name: "t", description: "d!", inputSchema: { type: "object", x: 1, y: 2 } }),
  );
  assert.notEqual(
    a,
    toolFingerprint({ name: "u", description: "d", inputSchema: { type: "object", x: 1, y: 2 } }),
  );
  assert.match(a, /^sha256:[0-9a-f]{64}$/);
});

Deno.test("reconcilePins() pins everything on the first list, except suspicious descriptions", () => {
  const out = reconcilePins({
    firstPin: true,
    stored: new Map(),
    listed: [tool("a"), tool("b", "evil\u200b")],
    inspect: (t) => t.description?.includes("\u200b") ? "description contains hidden characters" : undefined,
  });
  assert.deepEqual([...out.statuses], [["a", "pinned"], ["b", "quarantined"]]);
  assert.equal(out.writes.length, 2);
  assert.equal(out.writes[1]!.reason, "description contains hidden characters");
  assert.equal(out.writes[1]!.fingerprint, null);
});

Deno.test("reconcilePins() quarantines changed and new tools and writes nothing for unchanged ones", () => {
  const fpA = toolFingerprint(tool("a"));
  const pins = stored([{
    tool: "a",
    fingerprint: fpA,
    pendingFingerprint: null,
    status: "pinned",
    reason: null,
  }]);
  assert.deepEqual(
    reconcilePins({ firstPin: false, stored: pins, listed: [tool("a")], inspect: clean }).writes,
    [],
  );
  const changed = reconcilePins({
    firstPin: false,
    stored: pins,
    listed: [tool("a", "new"), tool("n")],
    inspect: clean,
  });
  assert.deepEqual([...changed.statuses], [["a", "quarantined"], ["n", "quarantined"]]);
  assert.deepEqual(changed.writes.map((w) => [w.tool, w.fingerprint, w.reason]), [
    ["a", fpA, "changed since it was pinned"],
    ["n", null, "new tool since the server was pinned"],
  ]);
  assert.equal(changed.writes[0]!.pendingFingerprint, toolFingerprint(tool("a", "new")));
});

Deno.test("reconcilePins() keeps a quarantine as is, and re-pins a tool changed back to its approved form", () => {
  const fpA = toolFingerprint(tool("a"));
  const fpNew = toolFingerprint(tool("a", "new"));
  const quarantined: StoredPin = {
    tool: "a",
    fingerprint: fpA,
    pendingFingerprint: fpNew,
    status: "quarantined",
    reason: "changed since it was pinned",
  };
  const same = reconcilePins({
    firstPin: false,
    stored: stored([quarantined]),
    listed: [tool("a", "new")],
    inspect: clean,
  });
  assert.deepEqual(same.writes, []);
  assert.equal(same.statuses.get("a"), "quarantined");
  const back = reconcilePins({
    firstPin: false,
    stored: stored([quarantined]),
    listed: [tool("a")],
    inspect: clean,
  });
  assert.equal(back.statuses.get("a"), "pinned");
  assert.deepEqual(back.writes.map((w) => [w.status, w.pendingFingerprint]), [["pinned", null]]);
});
