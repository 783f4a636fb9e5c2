/**
 * The entropy backstop (`high-entropy-token`): a long random-looking token within a few words after
 * a credential keyword, when no format-specific detector claimed it. Low confidence by design.
 * Allowlisted: UUIDs, hex digests, integrity strings (`sha512-…`), Go sums (`h1:`), SSH fingerprints,
 * base64 of text or of common binary formats (PNG, GIF, JPEG, PDF, ZIP, gzip), provider object ids
 * (`msg_`, `toolu_`, `chatcmpl-`, `pi_`…), sealed or encrypted values.
 */
import {
  charClasses,
  isHexDigest,
  isPlaceholderToken,
  isUuid,
  looksLikeWords,
  normalisedEntropy,
} from "./quality.ts";
import { type Hit, keywordCursor, type Rule, type Where } from "./rule.ts";
import { inTable, TOKEN_CHARS } from "./runs.ts";

const NEAR_KEYWORD = /token|secret|passw|credential|bearer|api[_-]?key|access[_-]?key|private[_-]?key|auth/gi;
const BINARY_BASE64 = /^(?:iVBORw0KGgo|R0lGOD|\/9j\/|JVBERi0|UEsDB|H4sI|AGFzbQ|Qk0|SUkq|TU0A|AAAA)/;
const ID_PREFIX =
  /^(?:pk|phc|msg|toolu|call|req|file|evt|pi|cus|sub|price|prod|ch|card|in|txn|chatcmpl|run|asst|thread|batch|ft|org|proj|user|sess|span|trace)[._-]/;
const PRECEDED_BY =
  /(?:sha\d+[-:=]|h1:|sha256:|sha512:|integrity[=:"' ]+|base64,|md5[-:=]|etag:\s*"?|digest:\s*)$/i;
const SEALED_MARKERS = ["SealedSecret", "encryptedData", "ENC(", "-----BEGIN"];

function isTextBase64(token: string): boolean {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(token) || token.length % 4 === 1) return false;
  try {
    const decoded = atob(token.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, ""));
    let printable = 0;
    for (let i = 0; i < decoded.length; i++) {
      const c = decoded.charCodeAt(i);
      if ((c >= 32 && c < 127) || c === 10 || c === 13 || c === 9) printable++;
    }
    return printable >= decoded.length * 0.95;
  } catch {
    return false;
  }
}

function isAllowlisted(token: string, before: string): boolean {
  if (isUuid(token) || isHexDigest(token) || /^[0-9a-f]+$/i.test(token) || BINARY_BASE64.test(token)) {
    return true;
  }
  if (ID_PREFIX.test(token) || PRECEDED_BY.test(before) || isTextBase64(token)) return true;
  return token.includes("..") || /^[\w.-]+\.(?:com|net|org|io|dev)\b/.test(token) ||
    token.split("/").length > 3;
}

/** Upper, lower and at least two digits: the cheap half of `isRandomLooking`, tested first. */
function hasMixedClasses(token: string): boolean {
  const c = charClasses(token);
  return c.upper > 0 && c.lower > 0 && c.digit >= 2;
}

function isRandomLooking(token: string): boolean {
  return normalisedEntropy(token) >= 0.8 && !isPlaceholderToken(token) && !looksLikeWords(token);
}

const isTokenCode = (c: number): boolean => inTable(TOKEN_CHARS, c);
const GAP = 48;
const MAX_TOKEN = 512;

/**
 * Tokens starting within 48 characters after a credential keyword. Each character is visited a
 * bounded number of times: keywords inside a run already scanned are skipped.
 */
function findHighEntropy(text: string, out: Hit[], where?: Where): void {
  let after = 0;
  let sealed: boolean | undefined; // looked for once a token qualifies (most texts have none)
  const near = keywordCursor(NEAR_KEYWORD, text, where?.at);
  for (let k = near.next(); k !== null; k = near.next()) {
    let i = k.index + k.length;
    if (i < after) continue;
    while (i < text.length && isTokenCode(text.charCodeAt(i))) i++; // the keyword's own word
    const limit = Math.min(text.length, i + GAP);
    while (i < limit && !isTokenCode(text.charCodeAt(i))) i++;
    const start = i;
    while (i < text.length && i - start < MAX_TOKEN && isTokenCode(text.charCodeAt(i))) i++;
    after = i;
    if (start >= limit) continue;
    const token = text.slice(start, i).replace(/[=.~-]+$/, "");
    if (token.length < 32 || !hasMixedClasses(token)) continue; // pure tests, cheapest first
    if (/\n\s*\n/.test(text.slice(k.index, start))) continue;
    if (isAllowlisted(token, text.slice(Math.max(0, start - GAP), start)) || !isRandomLooking(token)) {
      continue;
    }
    sealed ??= SEALED_MARKERS.some((m) => text.includes(m));
    if (sealed) return;
    out.push({
      ruleId: "high-entropy-token",
      name: "High-entropy token",
      start,
      end: start + token.length,
      confidence: "low",
    });
  }
}

export const ENTROPY_RULE: Rule = {
  id: "high-entropy-token",
  name: "High-entropy token",
  // Exactly the alternatives of NEAR_KEYWORD (the rule is positional).
  keywords: [
    ...["token", "secret", "passw", "credential", "bearer", "auth"],
    ...["api", "access", "private"].flatMap((w) => [`${w}key`, `${w}_key`, `${w}-key`]),
  ],
  positional: true,
  find: findHighEntropy,
};
