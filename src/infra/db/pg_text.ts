/**
 * PostgreSQL's text format, both ways, for the adapters that speak the wire protocol themselves
 * (pg_lane.ts) and for postgres.js's custom types: parameters as the server reads them, and columns
 * decoded by type OID to the values the `Db` port promises (db.ts).
 */
import type { SqlParam } from "./db.ts";
import { bytesToPgHex, parseInt8, pgHexToBytes } from "./db.ts";

/** A parameter in the text format; `null` is SQL NULL. */
export function encodeParam(value: SqlParam): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "t" : "f";
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return bytesToPgHex(value);
  return serializeTextArray(value);
}

/** A one-dimensional text[] literal, e.g. `{"a","b,c",NULL}`. */
export function serializeTextArray(xs: readonly (string | null)[]): string {
  return `{${
    xs.map((x) => x === null ? "NULL" : `"${x.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")
  }}`;
}

/** A one-dimensional array literal, e.g. `{a,"b,c",NULL}` (postgres.js reads an unquoted NULL as "NULL"). */
export function parseTextArray(text: string): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 1;
  while (i < text.length - 1) {
    if (text[i] === '"') {
      let value = "";
      for (i++; text[i] !== '"'; i++) value += text[i] === "\\" ? text[++i] : text[i];
      out.push(value);
      i += 2;
    } else {
      const end = text.indexOf(",", i) === -1 ? text.length - 1 : text.indexOf(",", i);
      const raw = text.slice(i, end);
      out.push(raw === "NULL" ? null : raw);
      i = end + 1;
    }
  }
  return out;
}

type Decoder = (text: string) => unknown;

const bool: Decoder = (text) => text === "t";
const int: Decoder = (text) => Number(text);
const json: Decoder = (text) => JSON.parse(text);
const time: Decoder = (text) => parseTimestamp(text);

const SCALARS: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [16, bool],
  [17, pgHexToBytes],
  [20, parseInt8],
  [21, int],
  [23, int],
  [26, int],
  [114, json],
  [700, int],
  [701, int],
  [1082, time],
  [1114, time],
  [1184, time],
  [3802, json],
]);

/** Array type OID → its element's. Arrays of other types, and of several dimensions, stay text. */
const ARRAYS: ReadonlyMap<number, number> = new Map([
  [1000, 16],
  [1005, 21],
  [1007, 23],
  [1016, 20],
  [1009, 25],
  [1015, 1043],
  [1231, 1700],
  [199, 114],
  [3807, 3802],
  [1185, 1184],
  [2951, 2950],
]);

/** The decoder of a column of type `oid` (text, numeric, uuid and unknown types stay strings). */
export function decoderFor(oid: number): Decoder | undefined {
  const scalar = SCALARS.get(oid);
  if (scalar) return scalar;
  const element = ARRAYS.get(oid);
  if (element === undefined) return undefined;
  const each = SCALARS.get(element);
  return (text) => {
    if (!text.startsWith("{") || text.startsWith("{{")) return text; // bounds or nested: not ours to guess
    const items = parseTextArray(text);
    return each ? items.map((item) => item === null ? null : each(item)) : items;
  };
}

/** `2024-01-02 03:04:05.678+00` (ISO DateStyle, any TimeZone) → Date; ±infinity → ±Infinity's Date. */
export function parseTimestamp(text: string): Date {
  if (text === "infinity") return new Date(8.64e15);
  if (text === "-infinity") return new Date(-8.64e15);
  const bc = text.endsWith(" BC");
  const body = bc ? text.slice(0, -3) : text;
  // Date-only (date), no zone (timestamp: read as UTC), or an offset of ±hh[:mm[:ss]].
  const match =
    /^(\d{4,})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(\.\d+)?)?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/
      .exec(body);
  if (!match) return new Date(Number.NaN);
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", sign, oh = "0", om = "0", os = "0"] = match;
  const ms = Number(`${frac.slice(1)}000`.slice(0, 3)); // microseconds are cut, as Date keeps ms
  const date = new Date(0);
  date.setUTCFullYear(bc ? 1 - Number(y) : Number(y), Number(mo) - 1, Number(d)); // years 0–99 stay themselves
  date.setUTCHours(Number(h), Number(mi), Number(s), ms);
  const offset = sign
    ? (sign === "-" ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os)) * 1000
    : 0;
  date.setTime(date.getTime() - offset);
  return date;
}
