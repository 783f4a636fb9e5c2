import assert from "node:assert/strict";
import { acceptValue, classifyKey, splitWords } from "./keyed.ts";
import { FIXTURES as F, ids, scan } from "./test_support.ts";

Deno.test("splitWords() splits camelCase, acronyms, snake, kebab and dots", () => {
  assert.deepEqual(splitWords("fbApiKey"), ["fb", "api", "key"]);
  assert.deepEqual(splitWords("APIKey"), ["api", "key"]);
  assert.deepEqual(splitWords("REACT_APP_AUTH_PASS"), ["react", "app", "auth", "pass"]);
  assert.deepEqual(splitWords("X-Figma-Token"), ["x", "figma", "token"]);
});

Deno.test("classifyKey() names credentials and refuses their metadata", () => {
  const cases: [string, string | undefined][] = [
    ["password", "password"],
    ["MYSQLPASS", "password"],
    ["X3_PSWD", "password"],
    ["비밀번호", "password"],
    ["client_secret", "secret"],
    ["twilioApiKeySecret", "secret"],
    ["SHOPIFY_API_KEY", "secret"],
    ["config.facebook.key", "secret"],
    ["config.upload.key", "keyish"],
    ["key", "bare"],
    ["bypass", undefined],
    ["passengers", undefined],
    ["password_id", undefined],
    ["passwordPolicy", undefined],
    ["token_type", undefined],
    ["max_tokens", undefined],
    ["progressToken", undefined],
    ["nextPageToken", undefined],
    ["idempotency_key", undefined],
    ["public_key", undefined],
    ["aws_access_key_id", undefined],
    ["OAuthTokenRevocationRequestSchema", undefined],
    ["authProviderUrl", undefined],
  ];
  for (const [key, kind] of cases) assert.equal(classifyKey(key), kind, key);
});

Deno.test("acceptValue() rejects references, code, placeholders and prose", () => {
  for (
    const v of [
      "${DB_PASS}",
      "$PASSWORD",
      "%AZURE_SECRET%",
      "{{ secret }}",
      "<your-key>",
      "os.environ",
      "process.env.X",
      "getenv(",
      "changeme",
      "xxxxxxxx",
      "********",
      "[REDACTED]",
      "ENC(abc)",
      "YOUR_API_KEY_HERE",
      "GITHUB_TOKEN",
      "/run/secrets/db",
      "a@b.io",
      "1.2.3",
      "isBearerToken",
    ]
  ) {
    assert.equal(acceptValue("password", "strong", v), undefined, v);
    assert.equal(acceptValue("secret", "strong", v), undefined, v);
  }
  assert.equal(acceptValue("password", "strong", F.password), "high");
  assert.equal(acceptValue("password", "loose", "incorrect"), undefined);
  assert.equal(acceptValue("bare", "strong", "attached_file_0"), undefined);
});

Deno.test("the assignment grammar reads many syntaxes", () => {
  const pw = F.password;
  for (
    const text of [
      `password=${pw}`,
      `"password": "${pw}"`,
      `PASSWORD := ${pw}`,
      `$mail->Password = '${pw}';`,
      `passwd: str = "${pw}"`,
      `mysql -u root --password ${pw}`,
      `-Password '${pw}'`,
      `ALTER USER app WITH PASSWORD '${pw}';`,
      `CREATE USER 'a'@'%' IDENTIFIED BY '${pw}';`,
      `<add key="SmtpPassword" value="${pw}"/>`,
      `<password>${pw}</password>`,
      `비밀번호: ${pw}`,
      `the new password is ${pw}`,
      `curl -u deploy:${pw} https://x.example`,
      `CURLOPT_PASSWORD, "${pw}"`,
      `new NetworkCredential("svc", "${pw}")`,
      `SECRET = os.getenv("SECRET", "${pw}")`,
    ]
  ) assert.ok(ids(scan(text)).length > 0, text);
});

Deno.test("the assignment grammar leaves code that only mentions credentials alone", () => {
  for (
    const text of [
      'password = os.environ["DB_PASSWORD"]',
      "if (!password || password.length < 12) return;",
      'const token = req.headers.get("authorization") ?? "";',
      'token := os.Getenv("GITHUB_TOKEN")',
      'headers = {"Authorization": f"Bearer {access_token}"}',
      "ALTER USER 'u'@'%' PASSWORD EXPIRE INTERVAL 90 DAY;",
      "The password reset link expires after 30 minutes.",
      '<input type="password" name="password" autocomplete="current-password">',
      "export const PASSWORD_RULES: readonly Rule[] = [];",
      "ssh -p 2222 deploy@host",
    ]
  ) assert.deepEqual(ids(scan(text)), [], text);
});
