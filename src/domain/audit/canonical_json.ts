/**
 * JSON with object keys sorted (recursively, by UTF-16 code units) and no whitespace, so equal data
 * always gives equal text: a jsonb column that reorders keys reads back to the same encoding.
 * Values follow `JSON.stringify`: `undefined` members are left out (`null` in arrays), non-finite
 * numbers are `null`, and objects with `toJSON` (Date) are encoded through it.
 *
 * Every decision row is hashed through this, so it is written to allocate little. Data already in
 * key order (a decision row: normalizeDecision stores its rules key-sorted) is one native
 * `JSON.stringify` after a check that allocates nothing; anything else is gathered as pieces in one
 * reused list and joined once (`+=` made a cons string per piece, `JSON.stringify` a copy of every
 * string), a string that needs no escaping going in as it is. For a 473-byte rules object: 5,752 B
 * of garbage before, 2,472 B with its keys out of order, 635 B in order (tests/bench/analysis.md,
 * session eleven).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === "function" || typeof value === "symbol") {
    throw new TypeError(`cannot encode a ${typeof value} as canonical JSON`);
  }
  return withPieces((out) => {
    if (!writeValue(out, value)) out.put("null");
  });
}

/**
 * The text's pieces, joined once. The shared list keeps its storage between rows (setting an
 * array's length to 0 frees it, and regrowing cost more than the text) and is emptied after each
 * join, so it holds no row's strings once the row is written.
 */
class Pieces {
  readonly list: string[] = [];
  count = 0;

  put(piece: string): void {
    this.list[this.count++] = piece;
  }

  join(): string {
    this.list.length = this.count;
    const text = this.list.join("");
    this.clear();
    return text;
  }

  clear(): void {
    this.list.fill("");
    this.count = 0;
  }
}

const shared = new Pieces();
let sharedInUse = false;

/** Runs `write` on the shared pieces (fresh ones if a `toJSON` re-enters) and joins them. */
function withPieces(write: (out: Pieces) => void): string {
  if (sharedInUse) {
    const own = new Pieces();
    write(own);
    return own.join();
  }
  sharedInUse = true;
  try {
    write(shared);
    return shared.join();
  } catch (error) {
    shared.clear();
    throw error;
  } finally {
    sharedInUse = false;
  }
}

/** Appends the value's text; false (nothing appended) where JSON leaves it out. */
function writeValue(out: Pieces, value: unknown): boolean {
  if (typeof value === "object" && value !== null && stringifiesCanonically(value, 0)) {
    out.put(JSON.stringify(value));
    return true;
  }
  switch (typeof value) {
    case "string":
      writeString(out, value);
      return true;
    case "number":
      out.put(Number.isFinite(value) ? JSON.stringify(value) : "null");
      return true;
    case "boolean":
      out.put(value ? "true" : "false");
      return true;
    case "object":
      if (value === null) out.put("null");
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
    out.put(JSON.stringify(value));
  } else {
    out.put('"');
    out.put(value);
    out.put('"');
  }
}

function writeObject(out: Pieces, value: object): void {
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === "function") {
    const json = withToJson.toJSON();
    if (typeof json === "function" || typeof json === "symbol") {
      throw new TypeError(`cannot encode a ${typeof json} as canonical JSON`);
    }
    if (!writeValue(out, json)) out.put("null");
    return;
  }
  if (Array.isArray(value)) {
    out.put("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.put(",");
      if (!writeValue(out, value[i])) out.put("null");
    }
    out.put("]");
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedInPlace(Object.keys(record));
  out.put("{");
  let first = true;
  for (const key of keys) {
    const at = out.count;
    if (!first) out.put(",");
    writeString(out, key);
    out.put(":");
    if (writeValue(out, record[key])) first = false;
    else out.count = at;
  }
  out.put("}");
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
