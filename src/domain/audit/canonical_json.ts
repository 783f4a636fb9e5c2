/**
 * JSON with object keys sorted (recursively, by UTF-16 code units) and no whitespace, so equal data
 * always gives equal text: a jsonb column that reorders keys reads back to the same encoding.
 * Values follow `JSON.stringify`: `undefined` members are left out (`null` in arrays), non-finite
 * numbers are `null`, and objects with `toJSON` (Date) are encoded through it.
 *
 * Every decision row is hashed through this, so it is written to allocate little: one growing string
 * (V8 joins `+=` lazily), no per-object member arrays.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === "function" || typeof value === "symbol") {
    throw new TypeError(`cannot encode a ${typeof value} as canonical JSON`);
  }
  return encode(value) ?? "null";
}

/** The value's text, or undefined where JSON leaves it out (undefined, functions, symbols). */
function encode(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      return value === null ? "null" : encodeObject(value);
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
    default:
      throw new TypeError(`cannot encode a ${typeof value} as canonical JSON`);
  }
}

function encodeObject(value: object): string {
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === "function") return canonicalJson(withToJson.toJSON());
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) text += (i === 0 ? "" : ",") + (encode(value[i]) ?? "null");
    return text + "]";
  }
  const record = value as Record<string, unknown>;
  let text = "{";
  for (const key of Object.keys(record).sort()) {
    const item = encode(record[key]);
    if (item !== undefined) text += (text.length === 1 ? "" : ",") + JSON.stringify(key) + ":" + item;
  }
  return text + "}";
}
