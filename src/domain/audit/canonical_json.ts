/**
 * JSON with object keys sorted (recursively, by UTF-16 code units) and no whitespace, so equal data
 * always gives equal text: a jsonb column that reorders keys reads back to the same encoding.
 * Values follow `JSON.stringify`: `undefined` members are left out (`null` in arrays), non-finite
 * numbers are `null`, and objects with `toJSON` (Date) are encoded through it.
 *
 * Every decision row is hashed through this, so it is written to allocate little. Data already in
 * key order (a decision row: normalizeDecision stores its rules key-sorted) is one native
 * `JSON.stringify` after a check that allocates nothing. Plain data out of order (a row read back
 * from jsonb, which `infra audit verify` hashes) is copied in key order and then written the same
 * way: 11.4 → 5.3 µs for a hook decision's row. Anything else is gathered as pieces and joined once
 * (`+=` made a cons string per piece, `JSON.stringify` a copy of every string), a string that needs
 * no escaping going in as it is. For a 473-byte rules object in key order: 5,752 B of garbage
 * before, ~700 B now (tests/bench/analysis.md, session eleven).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === "function" || typeof value === "symbol") {
    throw new TypeError(`cannot encode a ${typeof value} as canonical JSON`);
  }
  if (typeof value === "object" && value !== null) {
    if (stringifiesCanonically(value, 0)) return JSON.stringify(value);
    // Plain data out of key order (a row as jsonb hands it back: keys by length first) is copied
    // in key order and written by one native call: about twice as fast as a piece per member.
    const sorted = sortedPlainCopy(value, 0);
    if (sorted !== UNSUITABLE && stringifiesCanonically(sorted as object, 0)) return JSON.stringify(sorted);
  }
  const out: Pieces = [];
  if (!writeValue(out, value)) out.push("null");
  return out.join("");
}

const UNSUITABLE = Symbol("unsuitable");

/**
 * A copy of plain data (what `JSON.parse` makes, plus undefined, non-finite numbers and Dates) with
 * every object's own keys inserted in sorted order; UNSUITABLE for anything else (another `toJSON`,
 * a class instance, a boxed value, a function, a symbol, a bigint, more than 32 deep), which the
 * piece writer handles. Leaves are shared, never changed, so the copy's canonical text is the
 * original's.
 */
function sortedPlainCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
    case "undefined":
      return value;
    case "object":
      break;
    default:
      return UNSUITABLE;
  }
  if (value === null) return null;
  if (depth > 32) return UNSUITABLE;
  const proto = Object.getPrototypeOf(value);
  if (proto === ArrayPrototype) {
    const list = value as unknown[];
    if (typeof (list as { toJSON?: unknown }).toJSON === "function") return UNSUITABLE;
    const copy = new Array<unknown>(list.length);
    for (let i = 0; i < list.length; i++) {
      const item = sortedPlainCopy(list[i], depth + 1);
      if (item === UNSUITABLE) return UNSUITABLE;
      copy[i] = item;
    }
    return copy;
  }
  if (proto !== ObjectPrototype && proto !== null) {
    return stringifiesCanonically(value, depth) ? value : UNSUITABLE; // a Date as Date writes it
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return UNSUITABLE;
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of sortedInPlace(Object.keys(record))) {
    if (key === "__proto__") return UNSUITABLE; // an own `__proto__` member needs defineProperty
    const item = sortedPlainCopy(record[key], depth + 1);
    if (item === UNSUITABLE) return UNSUITABLE;
    copy[key] = item;
  }
  return copy;
}

/** The text's pieces, joined once at the end (`+=` would make a cons string per piece). */
type Pieces = string[];

/** Appends the value's text; false (nothing appended) where JSON leaves it out. */
function writeValue(out: Pieces, value: unknown): boolean {
  if (typeof value === "object" && value !== null && stringifiesCanonically(value, 0)) {
    out.push(JSON.stringify(value));
    return true;
  }
  switch (typeof value) {
    case "string":
      writeString(out, value);
      return true;
    case "number":
      out.push(Number.isFinite(value) ? JSON.stringify(value) : "null");
      return true;
    case "boolean":
      out.push(value ? "true" : "false");
      return true;
    case "object":
      if (value === null) out.push("null");
      else writeObject(out, value);
      return true;
    case "undefined":
    case "function":
    case "symbol":
      return false;
    default:
      throw new TypeError(`cannot encode a ${typeof value} as canonical JSON`);
  }
}

/** Characters JSON.stringify escapes: quote, backslash, controls, and any surrogate (lone ones are). */
// deno-lint-ignore no-control-regex -- the control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function writeString(out: Pieces, value: string): void {
  if (NEEDS_ESCAPE.test(value)) {
    out.push(JSON.stringify(value));
  } else {
    out.push('"');
    out.push(value);
    out.push('"');
  }
}

function writeObject(out: Pieces, value: object): void {
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === "function") {
    const json = withToJson.toJSON();
    if (typeof json === "function" || typeof json === "symbol") {
      throw new TypeError(`cannot encode a ${typeof json} as canonical JSON`);
    }
    if (!writeValue(out, json)) out.push("null");
    return;
  }
  if (Array.isArray(value)) {
    out.push("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(",");
      if (!writeValue(out, value[i])) out.push("null");
    }
    out.push("]");
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedInPlace(Object.keys(record));
  out.push("{");
  let first = true;
  for (const key of keys) {
    const at = out.length;
    if (!first) out.push(",");
    writeString(out, key);
    out.push(":");
    if (writeValue(out, record[key])) first = false;
    else out.length = at;
  }
  out.push("}");
}

const ObjectPrototype = Object.prototype;
const ArrayPrototype = Array.prototype;
const dateToJson = Date.prototype.toJSON;
const hasOwn = Object.hasOwn;

/**
 * True when `JSON.stringify(value)` is already this value's canonical text: every object plain
 * (prototype Object's, Array's or none; a Date through Date's own toJSON), its own keys met in
 * sorted order, no other `toJSON`, no boxed values or class instances, no bigint, at most 32 deep.
 * Checked without allocating (`for…in` reads the shape's key cache), so most rows' rules are one
 * native call instead of a piece per key and value.
 */
function stringifiesCanonically(value: object, depth: number): boolean {
  if (depth > 32) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto === ArrayPrototype) {
    const list = value as unknown[];
    if (typeof (list as { toJSON?: unknown }).toJSON === "function") return false;
    for (let i = 0; i < list.length; i++) {
      if (!leafOk(list[i], depth)) return false;
    }
    return true;
  }
  if (proto !== ObjectPrototype && proto !== null) {
    return value instanceof Date && (value as Date).toJSON === dateToJson && !hasOwn(value, "toJSON");
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  let previous: string | undefined;
  for (const key in value) {
    if (!hasOwn(value, key)) return false;
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    if (!leafOk((value as Record<string, unknown>)[key], depth)) return false;
  }
  return true;
}

function leafOk(item: unknown, depth: number): boolean {
  switch (typeof item) {
    case "object":
      return item === null || stringifiesCanonically(item, depth + 1);
    case "bigint":
      return false;
    default:
      return true;
  }
}

/** Sorts by UTF-16 code units, as `Array.prototype.sort` does; a short list without a copy. */
export function sortedInPlace(keys: string[]): string[] {
  if (keys.length > 32) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    if (keys[j]! <= key) continue;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
