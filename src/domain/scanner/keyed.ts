/**
 * Keyword-anchored values: is `REACT_APP_AUTH_PASS`, `fbApiKey` or `X-Figma-Token` the name of a
 * credential, and is the value next to it a real one (not `${VAR}`, `<your key>`, `os.environ[…]`)?
 * Shared by the text grammar (`assign.ts`) and by JSON object entries.
 */
import {
  charClasses,
  classCount,
  isPlaceholderToken,
  isUuid,
  longestRun,
  looksLikeWords,
  normalisedEntropy,
} from "./quality.ts";
import type { Confidence } from "./types.ts";

/** `password`: a password field; `secret`: token/secret/credential; `keyish`: `xxx_key`; `bare`: `key`, `api`. */
export type KeyKind = "password" | "secret" | "keyish" | "bare";
/**
 * How the value is attached: `=`/`:`/quoted (`strong`), a CLI flag, the next argument of a call or
 * list (`list`: `define('PASSWORD', 'x')`), or loose prose (`loose`: `password is x`).
 */
export type Attachment = "strong" | "flag" | "list" | "loose";

const wordSet = (list: string): ReadonlySet<string> => new Set(list.trim().split(/\s+/));

const PASSWORD_WORDS = wordSet(`
  pass pwd pswd psswd paswd pw passwd password passphrase pword pwrd userpwd keypasswd passkey
  비밀번호 패스워드 비번 암호
`);
const NOT_PASSWORDS = wordSet(`
  bypass compass overpass underpass surpass trespass encompass multipass sunpass
`);
const SECRET_WORDS = wordSet(`
  secret token apikey accesskey secretkey privatekey credential auth authorization authkey
  authtoken apitoken accesstoken bearer apisecret clientsecret sas jwt
`);
const SECRET_QUALIFIERS = wordSet(`
  api access secret private auth authentication license account master encryption signing client
  app application consumer service shared preshared subscription developer admin deploy session
  bot webhook install installation provision device write ingest insert query server management
  root personal integration jwt hmac ssh gpg pgp rsa storage merchant live prod production sandbox
  cipher crypto aes otp totp mfa user org team project sendgrid stripe twilio mailgun facebook fb
  google aws azure github gitlab slack openai anthropic datadog dd algolia shopify twitter
`);
const DENY_BEFORE = wordSet(`
  out in progress page next prev previous cursor idempotency public pub publishable sort partition
  primary foreign max min num prompt completion input output cache csrf xsrf forgot reset
  encrypted hashed hash sha1 sha256 md5 masked mask instrumentation continuation sync dedup
  routing lookup object translation i18n issue cached
`);
const DENY_AFTER = wordSet(`
  in of for is has hook callback handler id name type label field policy url uri path file
  endpoint header prefix suffix format length len size count exp ttl lifetime timeout changed
  reset hint strength rule required placeholder env var ref location store manager provider mode
  method usage limit hash mask regex pattern error message text prompt input display visible icon
  button version index idx host server user email domain realm scheme enabled flow dir column col
  param arg confirm
`);
const DENY_AFTER_PREFIX = /^(?:expir|validat|min|max|len)/;

/** Last words that make an identifier a type, a handler or metadata rather than a credential. */
const HEAD_NOUNS = wordSet(`
  schema request response options props config params type model class interface handler factory
  builder event error exception state status result metadata spec mock label field form validator
  parser util helper endpoint url uri name id
`);

const isUpper = (c: number): boolean => c >= 65 && c <= 90;
const isLower = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
const isWordChar = (c: number): boolean => isUpper(c) || isLower(c) || (c >= 0xac00 && c <= 0xd7a3);

/** Splits `fbApiKey`, `REACT_APP_AUTH_PASS`, `X-Figma-Token`, `APIKey` into lower-case words. */
export function splitWords(identifier: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i <= identifier.length; i++) {
    const c = i < identifier.length ? identifier.charCodeAt(i) : 0;
    if (!isWordChar(c)) {
      if (start >= 0) words.push(identifier.slice(start, i).toLowerCase());
      start = -1;
      continue;
    }
    const prev = identifier.charCodeAt(i - 1);
    const next = identifier.charCodeAt(i + 1);
    const camel = isUpper(c) && start >= 0 && (isLower(prev) || (isUpper(prev) && next >= 97 && next <= 122));
    if (camel) words.push(identifier.slice(start, i).toLowerCase());
    if (start < 0 || camel) start = i;
  }
  return words;
}

function isPasswordWord(w: string): boolean {
  if (PASSWORD_WORDS.has(w)) return true;
  if (!w.includes("p")) return false;
  if (/^pass(?:w(?:or)?d|phrase|wo?rd|worsd)$|^pa?sw(?:or)?d$|^ps+wr?d$/.test(w)) return true;
  return (w.endsWith("password") || w.endsWith("passwd") || w.endsWith("pass")) && !NOT_PASSWORDS.has(w);
}

const SECRET_SUFFIXES = ["secret", "token", "apikey", "accesskey", "secretkey", "privatekey", "credential"];

function isSecretWord(w: string): boolean {
  return SECRET_WORDS.has(w) || SECRET_SUFFIXES.some((s) => w.endsWith(s));
}

/** Cheap gate: an identifier without one of these stems cannot name a credential. */
const STEMS =
  /pass|pw|psw|pssw|pasw|secret|token|key|credential|auth|bearer|api|pat|jwt|sas|비밀번호|패스워드|비번|암호/i;

function isDigits(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return w.length > 0;
}

/** Whether one of `words[0..end)` is in `set`. */
function anyBefore(words: readonly string[], end: number, set: ReadonlySet<string>): boolean {
  for (let i = 0; i < end; i++) if (set.has(words[i] ?? "")) return true;
  return false;
}

/** Classifies an identifier; `undefined` when it does not name a credential. */
export function classifyKey(identifier: string): KeyKind | undefined {
  if (!STEMS.test(identifier)) return undefined;
  const words = splitWords(identifier);
  const head = words.findLast((w) => !isDigits(w));
  if (head === undefined || (HEAD_NOUNS.has(head) && words.length > 1)) return undefined;
  for (let j = words.length - 1; j >= 0; j--) {
    const w = words[j] ?? "";
    const weak = w === "key" || w === "api" || w === "pat" || w === "auth";
    const kind = isPasswordWord(w) ? "password" : weak ? w : isSecretWord(w) ? "secret" : undefined;
    if (kind === undefined) continue;
    if (weak && j < words.length - 2) return undefined; // `authProviderUrl`: a prefix, not the noun
    const next = words[j + 1];
    if (
      anyBefore(words, j, DENY_BEFORE) ||
      (next !== undefined && (DENY_AFTER.has(next.replace(/\d+$/, "")) || DENY_AFTER_PREFIX.test(next)))
    ) return undefined;
    if (kind === "password" || kind === "secret") return kind;
    if (j === 0) return kind === "auth" ? "secret" : "bare";
    return (kind === "key" || kind === "auth") && anyBefore(words, j, SECRET_QUALIFIERS)
      ? "secret"
      : "keyish";
  }
  return undefined;
}

const NOT_VALUES = wordSet(`
  readonly const let var new return await async static final public private protected void any unknown
  never class interface type enum import export char long double float byte bytes short bool list dict
  record map set array buffer uint8array
  function object number boolean symbol bigint username user admin root
  password passwd pass secret token key changeme changeit null nil none undefined true false
  string str int empty required optional hidden masked prompt default value example sample dummy
  foo bar foobar not-set notset unset nothing todo tbd fixme test testing bearer basic token yes
  no on off enabled disabled auto
`);
const CODE_MARKERS = [
  "${",
  "{{",
  "}}",
  "$(",
  "#{",
  "<%",
  "process.env",
  "environ",
  "getenv",
  "env(",
  "env[",
  "lookup(",
  "?.",
  "=>",
  "->",
  "vault:",
  "vault://",
  "secret:",
  "secretref",
  "://",
  "@example",
];

/** Values that are references, code, paths or placeholders rather than credentials. */
export function isUnusableValue(value: string): boolean {
  if (value === "" || value.length > 1024) return true;
  const lower = value.toLowerCase();
  if (NOT_VALUES.has(lower) || /^[$%{<[(\-*@,;:]|^\\\$|^&lt;|^#\{|^\.[$\w]|^urn:|^this\./.test(value)) {
    return true;
  }
  if (/^!?_?[a-z]+(?:[A-Z][a-z]+)+$/.test(value)) return true; // camelCase identifier
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][A-Za-z$]{2,})+$/.test(value)) return true; // member access: a_1.Name
  if (/^(?:pk[._]|phc_|sq0idp-|sandbox-sq0idp-)|%\(\w+\)[sd]/.test(value)) return true; // public keys, formats
  for (const marker of CODE_MARKERS) if (lower.includes(marker)) return true;
  if (/example|your|xxx|\*\*\*|\.\.\.|…|redacted|changeme|placeholder|<[a-z _-]+>|^enc\(/.test(lower)) {
    return true;
  }
  if (/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(value) && !/\d/.test(value)) return true; // a.b.c code
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return true; // ENV_VAR_NAME
  if (/^(?:\.{0,2}|~)\/[^/]*\/|\.(?:pem|key|json|txt|ya?ml|crt|p12|pfx|env|conf|ini|cfg)$/i.test(value)) {
    return true;
  }
  if (
    /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(value) ||
    /^[~^=<>v]*\d+(?:\.[\dx*]+)+(?:-[\w.]+)?$|^\d{4}-\d{2}-\d{2}/.test(value)
  ) return true;
  return false;
}

function acceptPassword(raw: string, how: Attachment, shortName: boolean): Confidence | undefined {
  const value = how === "loose" ? raw.replace(/[.,;!?]+$/, "") : raw;
  const lower = value.toLowerCase();
  if (value.length < 6 || /pass(?:w(?:or)?d|wd)|pwd/.test(lower) || longestRun(lower) >= value.length - 1) {
    return undefined;
  }
  if (/^[A-Za-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*$/.test(value) && looksLikeWords(value)) return undefined; // a type name
  const c = charClasses(value);
  const classes = classCount(c);
  if (/\s/.test(value) && classes < 3) return undefined;
  if (/^(.)\1+$/.test(value) || c.upper + c.lower === 0) return undefined;
  if (how === "loose") return c.digit > 0 ? "low" : undefined;
  if ((shortName || how === "list") && (c.digit === 0 || isIdentifierLike(value))) return undefined;
  if (classes === 1 && value.length < 7) return undefined;
  return "high";
}

function isIdentifierLike(value: string): boolean {
  if (/^[a-z]+(?:[_-][a-z0-9]+)+$|^[a-z]+(?:[A-Z][a-z]+)+$|^[A-Za-z]+$/.test(value)) return true;
  return /^[!\w.-]*\/[\w./-]*\.[a-z0-9]{1,5}$|^[\w-]+\.(?:md|ts|js|py|go|rs|rb|sh|java|html|css|lock|toml|xml|log|csv|sql|zip|gz|tar|png|jpg|svg)$/
    .test(value);
}

/**
 * The confidence `value`'s character statistics allow for `kind` and `how`, before the (costlier)
 * placeholder, identifier and word filters; `undefined` rejects outright.
 */
function secretLevel(value: string, kind: KeyKind, how: Attachment): Confidence | undefined {
  if (how === "list" && kind !== "secret") return undefined;
  const c = charClasses(value);
  const alnumClasses = (c.upper > 0 ? 1 : 0) + (c.lower > 0 ? 1 : 0) + (c.digit > 0 ? 1 : 0);
  const hex = () => c.digit > 0 && c.upper + c.lower > 0 && /^[0-9a-f]+$/i.test(value);
  if (kind === "secret" && how !== "loose") {
    return value.length >= 10 && alnumClasses >= 2 ? "high" : undefined;
  }
  if (kind === "secret") {
    return (value.length >= 12 && alnumClasses === 3) || (value.length >= 32 && hex()) || isUuid(value)
      ? "low"
      : undefined;
  }
  if (how === "loose" || isUuid(value)) return undefined;
  const strong = value.length >= 16 && c.digit > 0 && c.upper + c.lower > 0 &&
    normalisedEntropy(value) >= 0.7;
  if (kind === "keyish") return strong || (value.length >= 32 && hex()) ? "low" : undefined;
  return strong && value.length >= 20 && !hex() && c.upper > 0 && c.lower > 0 && !value.includes("%")
    ? "low"
    : undefined;
}

/** Placeholders, identifiers, numbers and words are never secrets, whatever their statistics. */
function isNotSecret(value: string): boolean {
  return isPlaceholderToken(value) || isIdentifierLike(value) || /^\d+$/.test(value) || looksLikeWords(value);
}

/** The statistics decide first (cheap, and they reject most candidates); the filters only then. */
function acceptSecret(value: string, kind: KeyKind, how: Attachment): Confidence | undefined {
  const level = secretLevel(value, kind, how);
  if (level === undefined || /\s|passw/i.test(value)) return undefined;
  return isUnusableValue(value) || isNotSecret(value) ? undefined : level;
}

/** Confidence for `value` found next to an identifier of `kind`, or `undefined` to reject it. */
export function acceptValue(
  kind: KeyKind,
  how: Attachment,
  value: string,
  shortName = false,
): Confidence | undefined {
  if (kind !== "password") return acceptSecret(value, kind, how);
  return isUnusableValue(value) ? undefined : acceptPassword(value, how, shortName);
}
