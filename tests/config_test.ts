import assert from "node:assert/strict";
import { join } from "node:path";
import type { ConfigProblem } from "@infra/config/config_error.ts";
import { AppError } from "@shared/errors.ts";
import { runCliCaptured, STACK_FRAME } from "./support/cli_io.ts";
import { createTestHome, loadTestConfig, type TestHome } from "./support/test_app.ts";

const VALID_KEY = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

async function writeProfile(home: TestHome, lines: readonly string[]): Promise<void> {
  await Deno.writeTextFile(home.layout.profileFile, `${lines.join("\n")}\n`);
}

/** Loads the config expecting `config.invalid`; returns the message and its problems. */
async function loadProblems(home: TestHome, env: Record<string, string> = {}) {
  const error = await loadTestConfig(home, env).then(
    () => assert.fail("expected config.invalid"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AppError, String(error));
  assert.equal(error.code, "config.invalid");
  assert.doesNotMatch(error.message, STACK_FRAME);
  const problems = (error.data?.["problems"] ?? []) as ConfigProblem[];
  return { message: error.message, problems };
}

Deno.test("loadConfig() reports every profile problem at once, each with file and key path", async () => {
  await using home = await createTestHome();
  await writeProfile(home, [
    "name: local",
    "server:",
    "  host: 127.0.0.1",
    '  port: "abc"',
    "  bogus: 1",
    "runtime:",
    "  log_level: loud",
  ]);
  const { message, problems } = await loadProblems(home);
  const file = home.layout.profileFile;
  assert.deepEqual(problems.map((p) => p.path).sort(), ["runtime.log_level", "server.bogus", "server.port"]);
  assert.ok(problems.every((p) => p.file === file));
  for (const path of ["server.bogus", "server.port", "runtime.log_level"]) {
    assert.ok(message.includes(`${file}: ${path}: `), `${path} is named in:\n${message}`);
  }
  assert.match(message, /3 problems/);
});

Deno.test("loadConfig() reports malformed YAML with its line number", async () => {
  await using home = await createTestHome();
  await writeProfile(home, ["name: local", "server:", "  port: 8080", "  port: 9090"]);
  const duplicate = await loadProblems(home);
  assert.deepEqual(duplicate.problems.map((p) => [p.file, p.path]), [[home.layout.profileFile, "line 4"]]);
  assert.ok(duplicate.message.includes(`${home.layout.profileFile}: line 4: `), duplicate.message);
  await writeProfile(home, ["name: local", "server: [8080", "runtime:", "  log_level: info"]);
  const unclosed = await loadProblems(home);
  assert.ok(unclosed.problems.length >= 1);
  assert.ok(unclosed.problems.every((p) => /^line \d+$/.test(p.path)), unclosed.message);
});

Deno.test("loadConfig() interpolates ${VAR} and ${VAR:-default} from the given environment", async () => {
  await using home = await createTestHome();
  await writeProfile(home, [
    "name: local",
    "server:",
    "  host: ${SP_T_HOST}",
    "  port: ${SP_T_PORT:-9191}",
    "  external_url: https://${SP_T_DOMAIN:-example.org}/sp",
    "security:",
    "  jwt_issuer: ${SP_T_ISSUER:-fallback-issuer}",
  ]);
  const config = await loadTestConfig(home, { SP_T_HOST: "10.1.2.3", SP_T_ISSUER: "from-env" });
  assert.equal(config.server.host, "10.1.2.3");
  assert.equal(config.server.port, 9191);
  assert.equal(config.server.externalUrl, "https://example.org/sp");
  assert.equal(config.security.jwtIssuer, "from-env");
});

Deno.test("loadConfig() names the key whose variable is unset and has no default", async () => {
  await using home = await createTestHome();
  await writeProfile(home, ["name: local", "security:", "  jwt_issuer: ${SP_T_MISSING_ISSUER}"]);
  const { message, problems } = await loadProblems(home);
  assert.ok(problems.every((p) => p.path === "security.jwt_issuer"), message);
  const expected =
    `${home.layout.profileFile}: security.jwt_issuer: environment variable SP_T_MISSING_ISSUER`;
  assert.ok(message.includes(expected), message);
});

Deno.test("loadConfig() refuses a secrets file readable by others", async () => {
  await using home = await createTestHome();
  await Deno.chmod(home.layout.secretsFile, 0o644);
  const { message, problems } = await loadProblems(home);
  assert.equal(problems.length, 1, message);
  assert.equal(problems[0]!.file, home.layout.secretsFile);
  assert.match(message, /644/);
  assert.match(message, /chmod 600/);
});

Deno.test("loadConfig() applies DATABASE_URL and SYSTEMPROMPT_MASTER_KEY over the files", async () => {
  await using home = await createTestHome();
  const embedded = await loadTestConfig(home);
  assert.equal(embedded.database.kind, "embedded");
  assert.equal(embedded.secrets.masterKeySource, "secrets.json");
  const url = "postgres://sp:pw@db.internal:5432/sp";
  const config = await loadTestConfig(home, { DATABASE_URL: url, SYSTEMPROMPT_MASTER_KEY: VALID_KEY });
  assert.equal(config.database.kind, "server");
  if (config.database.kind !== "server") return;
  assert.equal(config.database.source, "DATABASE_URL");
  assert.equal(config.database.url.reveal(), url);
  assert.equal(config.secrets.masterKeySource, "SYSTEMPROMPT_MASTER_KEY");
  assert.equal(config.secrets.masterKey.reveal(), VALID_KEY);
  assert.equal(
    JSON.stringify(config.secrets),
    '{"masterKey":"[REDACTED]",' +
      '"masterKeySource":"SYSTEMPROMPT_MASTER_KEY","tokenPepper":"[REDACTED]"}',
  );
});

Deno.test("loadConfig() validates a master key given in the environment like the one in secrets.json", async () => {
  await using home = await createTestHome();
  const { message, problems } = await loadProblems(home, { SYSTEMPROMPT_MASTER_KEY: "too-short" });
  assert.equal(problems.length, 1, message);
  assert.match(message, /SYSTEMPROMPT_MASTER_KEY/);
  assert.doesNotMatch(message, /too-short/, "the rejected value itself is never echoed");
});

Deno.test("loadConfig() overrides host, port and log level from the environment", async () => {
  await using home = await createTestHome();
  const config = await loadTestConfig(home, {
    SYSTEMPROMPT_HOST: "0.0.0.0",
    SYSTEMPROMPT_PORT: "18080",
    SYSTEMPROMPT_LOG_LEVEL: "debug",
  });
  assert.equal(config.server.host, "0.0.0.0");
  assert.equal(config.server.port, 18080);
  assert.equal(config.logLevel, "debug");
  const bad = await loadProblems(home, { SYSTEMPROMPT_PORT: "eighty" });
  assert.deepEqual(bad.problems.map((p) => p.path), ["SYSTEMPROMPT_PORT"]);
});

Deno.test("loadConfig() refuses an unknown folder in the services directory", async () => {
  await using home = await createTestHome();
  const services = join(home.home, "services");
  await Deno.mkdir(join(services, "governance"), { recursive: true });
  await Deno.writeTextFile(join(services, "governance", "config.yaml"), "enabled: true\n");
  await Deno.mkdir(join(services, "agentz"));
  const { message, problems } = await loadProblems(home);
  assert.equal(problems.length, 1, message);
  assert.equal(problems[0]!.file, join(services, "agentz"));
  assert.match(message, /unknown services kind/);
  await Deno.remove(join(services, "agentz"));
  const config = await loadTestConfig(home);
  assert.ok(config.services.present);
  assert.deepEqual([...config.services.documents.keys()], ["governance/config.yaml"]);
});

Deno.test("admin config show --json masks every secret", async () => {
  await using home = await createTestHome();
  const secrets = JSON.parse(await Deno.readTextFile(home.layout.secretsFile)) as Record<string, unknown>;
  const values = [secrets["master_key"], secrets["token_pepper"]];
  assert.ok(values.every((v) => typeof v === "string" && v.length >= 32));
  const env = {
    SYSTEMPROMPT_HOME: home.home,
    DATABASE_URL: "postgres://sp:hunter2-db-password@db.internal/sp?sslpassword=hunter3",
    SYSTEMPROMPT_MASTER_KEY: VALID_KEY,
  };
  for (const runEnv of [{ SYSTEMPROMPT_HOME: home.home }, env]) {
    const run = await runCliCaptured(["--json", "admin", "config", "show"], runEnv, home.home);
    assert.equal(run.code, 0, run.stderr);
    const shown = `${run.stdout}\n${run.stderr}`;
    for (const value of [...values, VALID_KEY, "hunter2-db-password", "hunter3"]) {
      assert.ok(!shown.includes(String(value)), `a secret leaked into the output:\n${shown}`);
    }
    const body = JSON.parse(run.stdout) as Record<string, Record<string, unknown>>;
    assert.match(String(body["secrets"]?.["master_key"]), /^\[REDACTED\]/);
    assert.equal(body["secrets"]?.["token_pepper"], "[REDACTED]");
    assert.equal(body["database"]?.["kind"], runEnv === env ? "server" : "embedded");
  }
});
