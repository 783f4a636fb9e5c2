import assert from "node:assert/strict";
import { runCli } from "@entry/cli/main.ts";
import { captureIo } from "./support/cli_io.ts";
import { createUserWithToken } from "./support/hooks.ts";
import type { TestApp } from "./support/test_app.ts";
import {
  connectMcp,
  fixtureServer,
  type McpApp,
  openMcpApp,
  storeOrgSecret,
  storeSecret,
  textOf,
} from "./_fixtures/mcp_harness.ts";

/**
 * Per-owner stdio children are supervised like shared upstreams (issue 5 items 3 and 8): shown in
 * the registry, `/metrics` and `plugins mcp status` (owner count, per-owner status, restarts),
 * health-probed, and their status changes are `mcp.server_down` / `mcp.server_up` events carrying
 * the child's label, never an owner's value.
 */
const ALICE = `alice-${crypto.randomUUID().replaceAll("-", "")}`;

interface OwnerView {
  child: string;
  status: string;
  restarts: number;
  last_health_check: string | null;
}

async function fixtureEntry(app: McpApp): Promise<{ owner_children: number; owners: OwnerView[] }> {
  const response = await fetch(`${app.url}/api/v1/mcp/registry`, {
    headers: { authorization: `Bearer ${app.adminToken}` },
  });
  const entries = await response.json() as Record<string, unknown>[];
  return entries.find((e) => e["name"] === "fixture") as unknown as {
    owner_children: number;
    owners: OwnerView[];
  };
}

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test("MCP gateway: per-owner children are surfaced, probed and report status events", async (t) => {
  await using app = await openMcpApp({
    servers: (state) => ({
      fixture: fixtureServer("fixture", state, ["  API_TOKEN: secret:demo", "idle_timeout_ms: 120000"]),
    }),
    prepare: (ctx) => storeOrgSecret(ctx, "demo", `org-${crypto.randomUUID()}`),
  });
  const { token } = await createUserWithToken(app as unknown as TestApp, "health-alice@example.com");
  await storeSecret(app.ctx, "user:health-alice@example.com", "demo", ALICE);
  await using alice = await connectMcp(app.url, "fixture", token);
  const pid = Number(textOf(await alice.client.callTool({ name: "pid", arguments: {} })));

  let label = "";
  await t.step("the registry and /metrics show the owner's child", async () => {
    const entry = await fixtureEntry(app);
    assert.equal(entry.owner_children, 1);
    const [owner] = entry.owners;
    assert.ok(owner);
    assert.match(owner.child, /^[0-9a-f]{12}$/);
    assert.deepEqual([owner.status, owner.restarts], ["running", 0]);
    label = owner.child;
    const asUser = await fetch(`${app.url}/api/v1/mcp/registry`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const mine = (await asUser.json() as Record<string, unknown>[]).find((e) => e["name"] === "fixture")!;
    assert.deepEqual([mine["owner_children"], mine["owners"]], [1, []], "users see the count only");
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    assert.match(metrics, /^mcp_owner_children 1$/m);
    assert.match(metrics, /^mcp_owner_children_running 1$/m);
  });

  await t.step("the health loop probes the child", async () => {
    const before = (await fixtureEntry(app)).owners[0]!.last_health_check!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await app.ctx.mcp.probeAll();
    const after = (await fixtureEntry(app)).owners[0]!.last_health_check!;
    assert.ok(Date.parse(after) > Date.parse(before), `${before} → ${after}`);
  });

  await t.step("a crashed child: mcp.server_down then mcp.server_up, restarts counted", async () => {
    Deno.kill(pid, "SIGKILL");
    const events = () =>
      app.ctx.db.many<{ kind: string }>(
        "select kind from event_outbox where payload->>'owner_child' = $1 order by id",
        [label],
      );
    const kinds = await waitFor(
      events,
      (rows) => rows.map((r) => r.kind).join() === "mcp.server_up,mcp.server_down,mcp.server_up",
      "down and up events",
    );
    assert.equal(kinds.length, 3);
    const owner = (await fixtureEntry(app)).owners[0]!;
    assert.deepEqual([owner.child, owner.status, owner.restarts], [label, "running", 1]);
    const again = Number(textOf(await alice.client.callTool({ name: "pid", arguments: {} })));
    assert.notEqual(again, pid);
  });

  await t.step("plugins mcp status lists the child under its server", async () => {
    const captured = captureIo();
    const code = await runCli(["--json", "plugins", "mcp", "status", "fixture"], {
      env: { SYSTEMPROMPT_HOME: app.home },
      cwd: app.home,
      io: captured.io,
      sharedContext: app.ctx,
    });
    assert.equal(code, 0, captured.stderr());
    const items = (JSON.parse(captured.stdout()) as { items: Record<string, unknown>[] }).items;
    assert.deepEqual(
      items.map((i) => [i["name"], i["kind"], i["status"], i["owner_children"], i["restarts"]]),
      [
        ["fixture", "stdio", "running", 1, 0],
        [`fixture/owner:${label}`, "stdio-owner", "running", null, 1],
      ],
    );
  });

  await t.step("no owner's value reaches an event or a log line", async () => {
    const all = await app.ctx.db.many<{ row: string }>("select t::text as row from event_outbox t");
    assert.ok(!all.some((r) => r.row.includes(ALICE)));
    assert.ok(!app.logs.some((line) => line.includes(ALICE)));
  });
});
