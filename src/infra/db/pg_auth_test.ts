import assert from "node:assert/strict";
import { scramClientFinal } from "./pg_auth.ts";

Deno.test("scramClientFinal() computes RFC 7677's SCRAM-SHA-256 example", async () => {
  const nonce = "rOprNGfwEbeRWgbNEkqO";
  const serverFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  const final = await scramClientFinal("pencil", `n=user,r=${nonce}`, nonce, serverFirst);
  assert.equal(
    final.message,
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  );
  assert.equal(final.serverSignature, "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
});

Deno.test("scramClientFinal() refuses a server nonce that does not extend ours", async () => {
  await assert.rejects(
    scramClientFinal("pencil", "n=*,r=abc", "abc", "r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
    /malformed SCRAM/,
  );
});
