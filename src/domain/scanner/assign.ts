/**
 * The text grammar of `name <separator> value`: assignments (`=`, `:`, `:=`, `=>`), YAML and JSON
 * pairs, CLI flags (`--password X`), call arguments (`PASSWORD('X')`, `CURLOPT_PASSWORD, "X"`),
 * XML (`<pw>X</pw>`), Korean labels (`비밀번호:X`) and loose prose (`password is X`).
 * Hand-written scanner: one keyword regex, then bounded look-ahead; no backtracking regexes.
 */
import { acceptValue, type Attachment, classifyKey, type KeyKind } from "./keyed.ts";
import { type Hit, keywordCursor, type Rule, type Where } from "./rule.ts";
import { charTable } from "./runs.ts";

const KEYWORD =
  /pass|pw|psw|pssw|pasw|secret|token|key|credential|auth|bearer|api|pat|비밀번호|패스워드|비번|암호/gi;
const PREVIOUS_WORD =
  /(?:^|[^A-Za-z])(access|secret|api|private|client|authentication|session|account|license|master|app|consumer|refresh) $/i;
const NEXT_WORD = /^ (?:key|token|secret|password|pw|pwd)(?![\w-])/i;
const MAX_VALUE = 1024;
const FILE_NAME = /\.(?:js|mjs|ts|json|gz|tar|zip|md|py|ya?ml|txt|sh|pem|crt|html|css|lock)$/i;
/** Sealed Secrets manifests carry ciphertext under secret-looking keys. */
const SEALED = /kind:\s*SealedSecret/;
const isSealed = (text: string): boolean =>
  text.includes("encryptedData:") || (text.includes("SealedSecret") && SEALED.test(text));

interface Ident {
  readonly start: number;
  readonly end: number;
  readonly name: string;
  readonly flag: boolean;
  readonly korean: boolean;
}

interface Separator {
  readonly how: Attachment;
  readonly at: number;
  readonly quotedOnly: boolean;
}

const isIdentCode = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;

/** Characters that can follow a name (after closing quotes and blanks) when a value is attached. */
const SEPARATOR_START = /[=:!,(>{\s\-은는이가]/;

/** Cheap test before the real parse: most keyword hits in code (`token.trim()`) end here. */
function mayHaveSeparator(text: string, end: number): boolean {
  let j = end;
  while (j < text.length && j - end < 3 && "\"']\\".includes(text[j] ?? "")) j++;
  return j < text.length && SEPARATOR_START.test(text[j] ?? "");
}

/** Longer "identifiers" are data (base64, hex, minified code), never a credential's name. */
const MAX_NAME = 128;

/** The identifier around a keyword hit, or `undefined`; `runEnd` lets the caller skip the whole run. */
function expandIdentifier(text: string, from: number, to: number): { id: Ident | undefined; runEnd: number } {
  if (text.charCodeAt(from) >= 0xac00) {
    return {
      id: { start: from, end: to, name: text.slice(from, to), flag: false, korean: true },
      runEnd: to,
    };
  }
  let end = to;
  while (end < text.length && isIdentCode(text.charCodeAt(end))) end++;
  const runEnd = end;
  while (end > to && (text[end - 1] === "." || text[end - 1] === "-")) end--;
  if (end - from > MAX_NAME || !mayHaveSeparator(text, end)) return { id: undefined, runEnd };
  let start = from;
  while (start > 0 && to - start < MAX_NAME && isIdentCode(text.charCodeAt(start - 1))) start--;
  if (start > 0 && isIdentCode(text.charCodeAt(start - 1))) return { id: undefined, runEnd };
  const flag = text[start] === "-" || (text[start - 1] === "/" && /\s/.test(text[start - 2] ?? " "));
  while (text[start] === "-") start++;
  // Both patterns need a space next to the name: test that before slicing and matching.
  const previous = text.charCodeAt(start - 1) === 32
    ? PREVIOUS_WORD.exec(text.slice(Math.max(0, start - 16), start))
    : null;
  if (previous?.[1]) start -= previous[1].length + 1;
  const next = text.charCodeAt(end) === 32 ? NEXT_WORD.exec(text.slice(end, end + 10)) : null;
  if (next) end += next[0].length;
  return { id: { start, end, name: text.slice(start, end), flag, korean: false }, runEnd };
}

/** Short names (`pw`, `pwd`, `pass`) need a clean left edge: `(PW:`, `,pw=`, not `]PW:` in noise. */
function hasBoundary(text: string, id: Ident): boolean {
  if (id.name.length > 4 || id.korean) return true;
  const before = text[id.start - 1];
  return before === undefined || /[\s"'(,/{;<>|=&?-]/.test(before);
}

/** After a quoted key: `"password": `, `['password'] = `, `\"password\":`. */
function skipClosers(text: string, i: number): number {
  let j = i;
  while (j < text.length && j - i < 3 && "\"']\\".includes(text[j] ?? "")) j++;
  return j;
}

function parseSeparator(text: string, id: Ident): Separator | undefined {
  const afterName = skipClosers(text, id.end);
  const closed = afterName > id.end;
  let i = afterName;
  while (text[i] === " " || text[i] === "\t") i++;
  const rest = text.slice(i, i + 48);
  const op = /^(?:!==?|===?|:=|=>|->|=|:(?!:))/.exec(rest);
  if (op) {
    const typed = /^\s*[A-Za-z][\w.[\]<>]{0,30}\s+=(?!=)/.exec(
      text.slice(i + op[0].length, i + op[0].length + 40),
    );
    return {
      how: "strong",
      at: i + op[0].length + (op[0] === ":" && typed ? typed[0].length : 0),
      quotedOnly: false,
    };
  }
  if (id.korean && /^[은는이가(]/.test(rest)) return { how: "strong", at: i + 1, quotedOnly: false };
  const special = /^(?:,\s*default\s*[:=]|\{\s*default\s*=|value\s*=)/i.exec(rest);
  if (special && (closed || rest.startsWith(","))) {
    return { how: "strong", at: i + special[0].length, quotedOnly: false };
  }
  if (rest.startsWith(",") && (closed || /^[A-Z0-9_]+$/.test(id.name))) {
    return { how: closed ? "list" : "strong", at: i + 1, quotedOnly: true };
  }
  if (rest.startsWith("(") && /^pass(?:word)?$/i.test(id.name)) {
    return { how: "strong", at: i + 1, quotedOnly: true };
  }
  if (rest.startsWith(">") && text[id.start - 1] === "<") {
    return { how: "strong", at: i + 1, quotedOnly: false };
  }
  if (closed || i === afterName) return undefined;
  const is = /^is\s+/i.exec(rest);
  if (is) return { how: "loose", at: i + is[0].length, quotedOnly: false };
  const forWho = /^for\s+[^\s:=]{1,40}\s*[:=]/i.exec(rest);
  if (forWho) return { how: "strong", at: i + forWho[0].length, quotedOnly: false };
  return { how: id.flag ? "flag" : "loose", at: i, quotedOnly: false };
}

interface Value {
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

function skipGap(text: string, at: number): number {
  let i = at;
  for (;;) {
    while (text[i] === " " || text[i] === "\t") i++;
    if (text[i] === "\\" && text[i + 1] === "\n") i += 2;
    else if (text[i] === "\n" && /^\n\s*(?:[frbu]|\\)?["'`]/i.test(text.slice(i, i + 40))) i++;
    else return i;
  }
}

function readQuoted(text: string, i: number): Value | undefined {
  const escaped = text[i] === "\\";
  const quote = escaped ? `\\${text[i + 1]}` : text[i] ?? "";
  const start = i + quote.length;
  let end = start;
  while (end < text.length && end - start <= MAX_VALUE && !text.startsWith(quote, end)) {
    if (text[end] === "\n" && quote !== "`") return undefined;
    end += !escaped && text[end] === "\\" ? 2 : 1;
  }
  if (!text.startsWith(quote, end)) return undefined;
  const inner = text.slice(start, end);
  const nested = /^["']/.test(inner) && inner.endsWith(inner[0] ?? "") && inner.length > 2;
  return nested ? { start: start + 1, end: end - 1, quoted: true } : { start, end, quoted: true };
}

/** ASCII characters that end an unquoted value: blanks, quotes, `;,()[]{}|`. */
const STOP_CHARS = charTable(" \t\n\v\f\r\"'`;,()[]{}|");
const isLetterCode = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isNameCode = (c: number): boolean =>
  isLetterCode(c) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;

/**
 * Where an unquoted value starting at `i` ends (within `MAX_VALUE`): at a blank, quote or `;,()[]{}|`,
 * a tag (`<a`, `</`), a query parameter (`&name=`) or an escaped quote or control (`\"`, `\n`).
 */
function unquotedEnd(text: string, i: number): number {
  const limit = Math.min(text.length, i + MAX_VALUE);
  for (let j = i; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c >= 128) {
      if (/\s/.test(text[j] ?? "")) return j;
      continue;
    }
    if (STOP_CHARS[c] === 1) return j;
    const next = j + 1 < limit ? text.charCodeAt(j + 1) : -1;
    if (c === 60 && (next === 47 || isLetterCode(next))) return j;
    if (c === 92 && (next === 34 || next === 39 || next === 110 || next === 114 || next === 116)) return j;
    if (c === 38 && (isLetterCode(next) || next === 95)) {
      let k = j + 2;
      while (k < limit && isNameCode(text.charCodeAt(k))) k++;
      if (k < limit && text.charCodeAt(k) === 61) return j;
    }
  }
  return limit;
}

function readValue(text: string, at: number, quotedOnly: boolean): Value | undefined {
  let i = skipGap(text, at);
  if (/[frbu@]/i.test(text[i] ?? "") && /["']/.test(text[i + 1] ?? "")) i++;
  if (/["'`]/.test(text[i] ?? "") || (text[i] === "\\" && /["']/.test(text[i + 1] ?? ""))) {
    return readQuoted(text, i);
  }
  if (quotedOnly) return undefined;
  const end = unquotedEnd(text, i);
  return end > i ? { start: i, end, quoted: false } : undefined;
}

/** Rejects values that are only part of an expression: `"a" + b`, `'x'.$y`, `"k": …`, `f(…)`. */
function isFragment(text: string, v: Value): boolean {
  const after = text.slice(v.end + (v.quoted ? 1 : 0), v.end + 8);
  if (v.quoted) return /^[ \t]*(?:\+|\.[ \t]*[$\w]|:[ \t]*["'{[\w])/.test(after);
  return /^(?:[([.]|[ \t]*(?:\?\??|\|\|?|&&|\+)[ \t])/.test(after) ||
    /^[A-Za-z_$][\w$]*(?:\.[\w$#]+)+=/.test(text.slice(v.start, v.end));
}

const RULE_IDS: Readonly<Record<KeyKind, readonly [string, string]>> = {
  password: ["generic-password-field", "Password"],
  secret: ["generic-secret-field", "Generic Secret"],
  keyish: ["generic-secret-field", "Generic Secret"],
  bare: ["generic-secret-field", "Generic Secret"],
};

/** `classifyKey`, remembered per text: code repeats its identifiers (`token`, `apiKey`) many times. */
function kindOf(kinds: Map<string, KeyKind | null>, name: string): KeyKind | undefined {
  const known = kinds.get(name); // null: not a credential name
  if (known !== undefined) return known ?? undefined;
  const kind = classifyKey(name);
  kinds.set(name, kind ?? null);
  return kind;
}

function findAssignments(text: string, out: Hit[], where?: Where): void {
  let sealed: boolean | undefined; // looked for once a value qualifies (most texts have none)
  const kinds = new Map<string, KeyKind | null>();
  const re = keywordCursor(KEYWORD, text, where?.at);
  let consumed = 0;
  for (let m = re.next(); m !== null; m = re.next()) {
    if (m.index < consumed) continue;
    const { id, runEnd } = expandIdentifier(text, m.index, m.index + m.length);
    re.lastIndex = Math.max(re.lastIndex, runEnd);
    if (!id) continue;
    consumed = id.end;
    const kind = hasBoundary(text, id) && !FILE_NAME.test(id.name) ? kindOf(kinds, id.name) : undefined;
    const sep = kind && parseSeparator(text, id);
    const value = sep && readValue(text, sep.at, sep.quotedOnly);
    if (!kind || !sep || !value) continue;
    if (value.end - value.start > 64) re.lastIndex = Math.max(re.lastIndex, value.end); // keeps it linear
    if (isFragment(text, value)) continue;
    const how = value.quoted && sep.how === "loose" ? "strong" : sep.how;
    const confidence = acceptValue(kind, how, text.slice(value.start, value.end), id.name.length <= 4);
    if (!confidence) continue;
    sealed ??= isSealed(text);
    if (sealed) return;
    const [ruleId, name] = RULE_IDS[kind];
    out.push({ ruleId, name, start: value.start, end: value.end, confidence });
    consumed = Math.max(consumed, value.end);
  }
}

const KEYWORDS = [
  "pass",
  "pw",
  "psw",
  "pssw",
  "pasw",
  "secret",
  "token",
  "key",
  "credential",
  "auth",
  "bearer",
  "api",
  "pat",
];

export const ASSIGNMENT_RULE: Rule = {
  id: "generic-secret-field",
  name: "Generic Secret",
  keywords: [...KEYWORDS, "비밀번호", "패스워드", "비번", "암호"],
  positional: true,
  find: findAssignments,
};
