/**
 * JSON with object keys sorted (recursively, by UTF-16 code units) and no whitespace, so equal data
 * always gives equal text: a jsonb column that reorders keys reads back to the same encoding.
 * Values follow `JSON.stringify`: `undefined` members are left out (`null` in arrays), non-finite
 * numbers are `null`, and objects with `toJSON` (Date) are encoded through it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "object":
      return canonicalObject(value);
    default:
      throw new TypeError(`cannot encode a ${typeof value} as canonical JSON`);
  }
}

function canonicalObject(value: object): string {
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === "function") return canonicalJson(withToJson.toJSON());
  if (Array.isArray(value)) {
    return `[${value.map((item) => (isOmitted(item) ? "null" : canonicalJson(item))).join(",")}]`;
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (!isOmitted(item)) members.push(`${JSON.stringify(key)}:${canonicalJson(item)}`);
  }
  return `{${members.join(",")}}`;
}

function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}
