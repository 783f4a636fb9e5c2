import assert from "node:assert/strict";
import { decoderFor, encodeParam, parseTimestamp } from "./pg_text.ts";

Deno.test("encodeParam() writes each SqlParam in PostgreSQL's text format", () => {
  assert.equal(encodeParam(null), null);
  assert.equal(encodeParam("x"), "x");
  assert.equal(encodeParam(42), "42");
  assert.equal(encodeParam(9007199254740993n), "9007199254740993");
  assert.equal(encodeParam(false), "f");
  assert.equal(encodeParam(new Date("2024-01-02T03:04:05.678Z")), "2024-01-02T03:04:05.678Z");
  assert.equal(encodeParam(new Uint8Array([0xde, 0xad])), "\\xdead");
  assert.equal(encodeParam(["a", 'q"', "b\\"]), '{"a","q\\"","b\\\\"}');
});

Deno.test("parseTimestamp() reads the ISO DateStyle with any offset", () => {
  assert.equal(parseTimestamp("2024-01-02 03:04:05.678+00").toISOString(), "2024-01-02T03:04:05.678Z");
  assert.equal(parseTimestamp("2024-01-02 05:34:05.1+02:30").toISOString(), "2024-01-02T03:04:05.100Z");
  assert.equal(parseTimestamp("2024-01-01 22:04:05.057123-05").toISOString(), "2024-01-02T03:04:05.057Z");
  assert.equal(parseTimestamp("2024-01-02").toISOString(), "2024-01-02T00:00:00.000Z");
  assert.equal(parseTimestamp("0044-03-15 12:00:00+00").getUTCFullYear(), 44);
  assert.equal(parseTimestamp("infinity").getTime(), 8.64e15);
  assert.ok(Number.isNaN(parseTimestamp("not a time").getTime()));
});

Deno.test("decoderFor() decodes scalars and one-dimensional arrays by type OID", () => {
  assert.equal(decoderFor(16)!("t"), true);
  assert.equal(decoderFor(20)!("9007199254740993"), "9007199254740993");
  assert.equal(decoderFor(20)!("-12"), -12);
  assert.deepEqual(decoderFor(3802)!('{"a":[1]}'), { a: [1] });
  assert.deepEqual(decoderFor(17)!("\\xbeef"), new Uint8Array([0xbe, 0xef]));
  assert.deepEqual(decoderFor(1007)!("{1,NULL,3}"), [1, null, 3]);
  assert.deepEqual(decoderFor(1009)!('{a,"b,c",NULL,"NULL"}'), ["a", "b,c", null, "NULL"]);
  assert.equal(decoderFor(1007)!("{{1,2},{3,4}}"), "{{1,2},{3,4}}");
  assert.equal(decoderFor(1700), undefined);
  assert.equal(decoderFor(2950), undefined);
});
