import assert from "node:assert/strict";
import { testDbMode } from "./support/db.ts";
import { createCliHome } from "./support/cli_home.ts";
import { freePort, REPO_ROOT, runSystemprompt, spawnSystemprompt, waitForOk } from "./support/process.ts";

const mode = testDbMode();

/**
 * kill -9 during a 200-concurrent load, then restart: every decision a client saw has its audit row
 * and the chain verifies (ARCHITECTURE §9: acknowledged only once durable).
 */
Deno.test(`hooks (${mode}): a kill -9 under load loses no acknowledged decision`, async () => {
  await using base = await createCliHome("sp_crash_");
  const { home, env } = base;
  {
    const setup = await runSystemprompt(["admin", "setup", "--non-interactive"], env, home);
    assert.equal(setup.code, 0, setup.stderr);
    const token = (await Deno.readTextFile(`${home}/admin.token`)).trim();
    const port = freePort();
    const serveEnv = { ...env, SYSTEMPROMPT_PORT: String(port) };
    const base = `http://127.0.0.1:${port}`;
    const seen = new Set<string>();
    {
      await using server = spawnSystemprompt(["infra", "services", "serve"], serveEnv, REPO_ROOT);
      await waitForOk(`${base}/api/v1/health`, server, 60_000);
      const stop = loadUntilStopped(base, token, seen, 200);
      await new Promise((r) => setTimeout(r, 1_500));
      server.process.kill("SIGKILL");
      await stop();
    }
    assert.ok(seen.size > 50, `only ${seen.size} decisions were acknowledged before the kill`);
    {
      await using server = spawnSystemprompt(["infra", "services", "serve"], serveEnv, REPO_ROOT);
      await waitForOk(`${base}/api/v1/health`, server, 60_000);
      server.process.kill("SIGTERM");
      assert.equal(await server.exited(15_000), 0, server.stderr());
    }
    const rows = await runSystemprompt(
      ["--json", "infra", "db", "query", "select trace_id from governance_decisions"],
      env,
      home,
    );
    assert.equal(rows.code, 0, rows.stderr);
    const stored = new Set((JSON.parse(rows.stdout).items as { trace_id: string }[]).map((r) => r.trace_id));
    const missing = [...seen].filter((id) => !stored.has(id));
    assert.deepEqual(missing, [], `${missing.length} acknowledged decisions have no audit row`);
    const verify = await runSystemprompt(["--json", "infra", "audit", "verify"], env, home);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.equal(JSON.parse(verify.stdout).ok, true);
  }
});

/** `workers` loops posting govern calls with unique trace ids; a 200 answer is an acknowledgement. */
function loadUntilStopped(
  base: string,
  token: string,
  seen: Set<string>,
  workers: number,
): () => Promise<void> {
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      const traceId = `crash-${n++}`;
      try {
        const response = await fetch(`${base}/api/public/hooks/govern`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            "x-trace-id": traceId,
          },
          body: JSON.stringify({
            hook_event_name: "PreToolUse",
            tool_name: "Read",
            tool_input: { n },
            session_id: traceId,
          }),
        });
        const body = await response.json();
        if (response.status === 200 && body.hookSpecificOutput?.permissionDecision) seen.add(traceId);
      } catch {
        if (!running) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const all = Promise.all(Array.from({ length: workers }, worker));
  return async () => {
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await all;
  };
}
