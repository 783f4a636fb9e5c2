/**
 * Passwords in recognisable syntax beyond `name = value`: SQL, PowerShell, .NET constructors,
 * `-u user -p pass`, `curl -u`, Basic headers, URL userinfo and connection URLs, env defaults.
 */
import { acceptValue, classifyKey } from "./keyed.ts";
import { type Hit, patternRule, type Rule } from "./rule.ts";
import type { Confidence } from "./types.ts";

const asPassword = (s: string): Confidence | undefined => acceptValue("password", "strong", s);

/** Literal-led (`://`) so only URLs are tried; the scheme is read backwards by `SCHEME`. */
const URL_CREDENTIALS =
  /:\/\/(?:[^\s:/?#'"<>]{0,64}):(?<s>[^\s'"<>]{1,128})@(?=[\w-]+(?:\.[\w-]+)*(?::\d{1,5})?(?:[/?#'"\s;,)`]|$))/dg;
const SCHEME = /(?<![\w+.-])[a-z][a-z0-9+.-]{1,20}$/i;

const SCHEMES: Readonly<Record<string, readonly [string, string]>> = {
  postgres: ["postgres-url-with-password", "PostgreSQL URL with password"],
  postgresql: ["postgres-url-with-password", "PostgreSQL URL with password"],
  mysql: ["mysql-url-with-password", "MySQL URL with password"],
  mysqlx: ["mysql-url-with-password", "MySQL URL with password"],
  mariadb: ["mysql-url-with-password", "MySQL URL with password"],
  mongodb: ["mongodb-srv-url", "MongoDB URL with password"],
  "mongodb+srv": ["mongodb-srv-url", "MongoDB URL with password"],
  redis: ["redis-url-with-auth", "Redis URL with password"],
  rediss: ["redis-url-with-auth", "Redis URL with password"],
  amqp: ["amqp-url-with-password", "AMQP URL with password"],
  amqps: ["amqp-url-with-password", "AMQP URL with password"],
};

/** `scheme://user:password@host`, named after the database when the scheme is one. */
function findUrlCredentials(text: string, out: Hit[]): void {
  for (const m of text.matchAll(URL_CREDENTIALS)) {
    const span = m.indices?.groups?.["s"];
    const scheme = SCHEME.exec(text.slice(Math.max(0, m.index - 21), m.index))?.[0].toLowerCase();
    if (!span || scheme === undefined) continue;
    const confidence = asPassword(decodeURIComponentSafe(text.slice(span[0], span[1])));
    if (!confidence) continue;
    const [ruleId, name] = SCHEMES[scheme] ?? ["basic-auth-url", "URL with credentials"];
    out.push({ ruleId, name, start: span[0], end: span[1], confidence });
  }
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `Authorization: Basic <base64 of user:password>`. */
function findBasicHeader(text: string, out: Hit[]): void {
  for (const m of text.matchAll(/\bbasic\s+(?<s>[A-Za-z0-9+/]{8,256}={0,2})(?![A-Za-z0-9+/=])/dgi)) {
    const span = m.indices?.groups?.["s"];
    if (!span) continue;
    let decoded = "";
    try {
      decoded = atob(text.slice(span[0], span[1]));
    } catch {
      continue;
    }
    const colon = decoded.indexOf(":");
    if (colon < 1 || !/^[\x20-\x7e]+$/.test(decoded)) continue;
    const confidence = asPassword(decoded.slice(colon + 1));
    if (confidence) {
      out.push({
        ruleId: "basic-auth-credentials",
        name: "Basic Auth Credentials",
        start: span[0],
        end: span[1],
        confidence,
      });
    }
  }
}

const ENV_DEFAULT =
  /(?:getenv|env|environ\.get|ENV\.fetch|getProperty)\(\s*(?:#[^\n]*\n\s*)?["'](?<k>[^"'\n]{1,64})["']\s*(?:,\s*(?:#[^\n]*\n\s*)?|\)\s*(?:or|\|\||\?\?)\s*)(?<q>["'])(?<s>[^"'\n]{6,256})\k<q>/dg;

/** `os.getenv("API_KEY", "default-value")`, `env('PASS') || "value"`: a default is still a secret. */
function findEnvDefaults(text: string, out: Hit[]): void {
  for (const m of text.matchAll(ENV_DEFAULT)) {
    const span = m.indices?.groups?.["s"];
    const kind = classifyKey(m.groups?.["k"] ?? "");
    if (!span || !kind) continue;
    const confidence = acceptValue(kind, "strong", text.slice(span[0], span[1]));
    if (!confidence) continue;
    const [ruleId, name] = kind === "password"
      ? ["generic-password-field", "Password"]
      : ["generic-secret-field", "Generic Secret"];
    out.push({ ruleId, name, start: span[0], end: span[1], confidence });
  }
}

export const PASSWORD_RULES: readonly Rule[] = [
  { id: "basic-auth-url", name: "URL with credentials", keywords: ["://"], find: findUrlCredentials },
  {
    id: "basic-auth-credentials",
    name: "Basic Auth Credentials",
    keywords: ["basic "],
    find: findBasicHeader,
  },
  {
    id: "generic-secret-field",
    name: "Generic Secret",
    keywords: ["env(", "environ.get(", "env.fetch(", "getproperty("],
    find: findEnvDefaults,
  },
  patternRule({
    id: "basic-auth-credentials",
    name: "Basic Auth Credentials",
    keywords: ["-u", "--user", "userpwd"],
    pattern: /(?:(?<=^|\s)(?:-u|--user)[\s=]+|USERPWD["']?\s*,\s*)["']?[^\s:"']{1,64}:(?<s>[^\s"']{4,128})/d,
    verify: asPassword,
  }),
  patternRule({
    id: "sql-password",
    name: "Database Password",
    keywords: ["identified"],
    pattern: /IDENTIFIED\s+(?:WITH\s+\w+\s+)?BY\s+(?:PASSWORD\s+)?(?:\\?["'])?(?<s>[^"'\s;\\`]{4,128})/di,
    verify: (s, text, start) =>
      /["']/.test(text[start - 1] ?? "") || /\d/.test(s) ? asPassword(s) : undefined,
  }),
  patternRule({
    id: "powershell-secure-string",
    name: "Password",
    keywords: ["convertto-securestring"],
    pattern: /ConvertTo-SecureString(?:\s+-\w+)*\s+(?:\\?["'])?(?<s>[^"'\s\\]{6,128})/di,
    verify: asPassword,
  }),
  patternRule({
    id: "dotnet-credential",
    name: "Password",
    keywords: ["networkcredential(", "directoryentry("],
    pattern:
      /(?:NetworkCredential\(\s*"[^"\n]*"|DirectoryEntry\(\s*"[^"\n]*"\s*,\s*"[^"\n]*")\s*,\s*"(?<s>[^"\n]{6,128})"/d,
    verify: asPassword,
  }),
  patternRule({
    id: "cli-password",
    name: "Password",
    keywords: ["-p"],
    pattern: /(?<=^|\s)-u\s*[^\s-]\S{0,63}\s+-p\s*(?<s>[^\s'"-][^\s'"]{3,127})/d,
    verify: (s) => /[A-Za-z]/.test(s) ? asPassword(s) : undefined,
  }),
  patternRule({
    id: "generic-password-field",
    name: "Password",
    keywords: ["is the password"],
    pattern: / is the password/i,
    extendLeft: /(?<=^|\s)[^\s:]{6,64}$/,
    verify: (s) => asPassword(s.slice(0, s.length - " is the password".length)),
  }),
];

const KEY_VALUE_PAIR =
  /"(?:key|name)"\s*:\s*"(?<k>[^"\n]{1,64})"\s*,\s*"value"\s*:\s*"(?<s>[^"\n]{1,256})"/dg;

/** `{"key": "password", "value": "…"}` written as text (the JSON walk handles parsed objects). */
function findKeyValuePairs(text: string, out: Hit[]): void {
  for (const m of text.matchAll(KEY_VALUE_PAIR)) {
    const span = m.indices?.groups?.["s"];
    const kind = classifyKey(m.groups?.["k"] ?? "");
    const confidence = span && kind && acceptValue(kind, "strong", text.slice(span[0], span[1]));
    if (!span || !confidence) continue;
    const [ruleId, name] = kind === "password"
      ? ["generic-password-field", "Password"]
      : ["generic-secret-field", "Generic Secret"];
    out.push({ ruleId, name, start: span[0], end: span[1], confidence });
  }
}

export const KEY_VALUE_RULE: Rule = {
  id: "generic-secret-field",
  name: "Generic Secret",
  keywords: ['"value"'],
  find: findKeyValuePairs,
};
