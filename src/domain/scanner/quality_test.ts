import assert from "node:assert/strict";
import { base62, crc32, hasValidCrc32Suffix, isValidBech32 } from "./checksum.ts";
import { isPlaceholderToken, longestRun, looksLikeWords, normalisedEntropy } from "./quality.ts";
import { FIXTURES as F } from "./test_support.ts";

Deno.test("isPlaceholderToken() spots documentation values but not random ones", () => {
  for (
    const p of [
      "xxxxxxxxxxxxxxxx",
      "0123456789abcdef0123",
      "aaaaaaaaaaaaaaaaaaaa",
      "a1B2c3D4e5F6g7H8i9J0",
      "yourkeyhere",
      "tokenexample",
      "there-are-not-the-tokens-you-are-looking-for",
    ]
  ) {
    assert.equal(isPlaceholderToken(p), true, p);
  }
  for (const real of [F.groq, F.anthropic, F.awsSecret]) assert.equal(isPlaceholderToken(real), false, real);
});

Deno.test("longestRun() measures sequences with stride 1 and 2", () => {
  assert.equal(longestRun("abcdef"), 6);
  assert.equal(longestRun("a1b2c3d4"), 4);
  assert.equal(longestRun("zq"), 1);
});

Deno.test("looksLikeWords() separates identifiers from random material", () => {
  assert.equal(looksLikeWords("_X509WorkloadIdentityAuth_project"), true);
  assert.equal(looksLikeWords(F.groq), false);
  assert.ok(normalisedEntropy(F.groq) > 0.8);
  assert.ok(normalisedEntropy("aaaaaaaabbbbbbbb") < 0.5);
});

Deno.test("checksums: CRC32/base62 suffix and bech32", () => {
  assert.equal(crc32("123456789"), 0xcbf43926);
  assert.equal(base62(61, 2), "0z");
  assert.equal(hasValidCrc32Suffix(F.ghp, 4), true);
  assert.equal(hasValidCrc32Suffix(`${F.ghp.slice(0, -1)}0`, 4), false);
  assert.equal(isValidBech32("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"), true);
  assert.equal(isValidBech32("age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwq"), false);
});
