/**
 * The lane's login (pg_lane.ts): it answers the server's authentication requests with the URL's
 * credentials: trust, cleartext password, MD5, and SCRAM-SHA-256 (RFC 5802 / RFC 7677, without channel
 * binding), verifying the server's signature. Any other method, or a password the URL does not hold,
 * is `LaneUnsupported`: the lane hands over to postgres.js, which knows more ways in.
 */
import { createHash } from "node:crypto";
import { B, decodeText, errorFields, F, type Message, MessageWriter, PgError, readInt32 } from "./pg_wire.ts";

export interface Credentials {
  readonly user: string;
  readonly password: string | undefined;
}

/** This lane cannot log in by itself (an unsupported method, or no password at hand). */
export class LaneUnsupported extends Error {
  constructor(reason: string) {
    super(`the lane's own client cannot log in: ${reason}`);
    this.name = "LaneUnsupported";
  }
}

const OK = 0, CLEARTEXT = 3, MD5 = 5, SASL = 10, SASL_CONTINUE = 11, SASL_FINAL = 12;

interface Scram {
  readonly clientFirstBare: string;
  readonly nonce: string;
  expected?: string;
  verified: boolean;
}

/** Answers authentication requests from `next()` until the server says AuthenticationOk. */
export async function authenticate(
  next: () => Promise<Message>,
  send: (bytes: Uint8Array) => Promise<void>,
  credentials: Credentials,
): Promise<void> {
  const state: { scram?: Scram } = {};
  for (;;) {
    const message = await next();
    if (message.type === B.error) throw new PgError(errorFields(message.body));
    if (message.type !== B.auth) continue;
    const kind = readInt32(message.body, 0);
    if (kind === OK) {
      if (state.scram && !state.scram.verified) {
        throw new Error("the SCRAM login ended without the server's signature");
      }
      return;
    }
    const password = credentials.password;
    if (password === undefined) {
      throw new LaneUnsupported("the server asks for a password the URL does not hold");
    }
    const reply = await answer(kind, message.body.subarray(4), { user: credentials.user, password }, state);
    if (reply) await send(reply);
  }
}

/** The reply to one authentication request (none to SASL's final message, which is checked). */
async function answer(
  kind: number,
  data: Uint8Array,
  credentials: { readonly user: string; readonly password: string },
  state: { scram?: Scram },
): Promise<Uint8Array | undefined> {
  const out = new MessageWriter().begin(F.password);
  const scram = state.scram;
  if (kind === CLEARTEXT) return out.cstring(credentials.password).end().take();
  if (kind === MD5) {
    const inner = new TextEncoder().encode(md5Hex(credentials.password + credentials.user));
    return out.cstring(`md5${md5Hex(new Uint8Array([...inner, ...data.subarray(0, 4)]))}`).end().take();
  }
  if (kind === SASL) {
    if (!decodeText(data).split("\0").includes("SCRAM-SHA-256")) {
      throw new LaneUnsupported("no SASL mechanism it knows");
    }
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));
    state.scram = { clientFirstBare: `n=*,r=${nonce}`, nonce, verified: false };
    const first = new TextEncoder().encode(`n,,${state.scram.clientFirstBare}`);
    return out.cstring("SCRAM-SHA-256").int32(first.byteLength).bytes(first).end().take();
  }
  if (kind === SASL_CONTINUE && scram) {
    const final = await scramClientFinal(
      credentials.password,
      scram.clientFirstBare,
      scram.nonce,
      decodeText(data),
    );
    scram.expected = final.serverSignature;
    return out.bytes(new TextEncoder().encode(final.message)).end().take();
  }
  if (kind === SASL_FINAL && scram) {
    const verifier = /(?:^|,)v=([^,]+)/.exec(decodeText(data))?.[1];
    if (verifier === undefined || verifier !== scram.expected) {
      throw new Error("the server's SCRAM signature does not match: not the database we asked for");
    }
    scram.verified = true;
    return undefined;
  }
  throw new LaneUnsupported(`authentication method ${kind}`);
}

/** The client-final message of a SCRAM-SHA-256 exchange, and the server signature to expect. */
export async function scramClientFinal(
  password: string,
  clientFirstBare: string,
  nonce: string,
  serverFirst: string,
): Promise<{ message: string; serverSignature: string }> {
  const attrs = new Map(serverFirst.split(",").map((kv) => [kv[0], kv.slice(2)] as const));
  const combined = attrs.get("r") ?? "", salt = attrs.get("s") ?? "", iterations = Number(attrs.get("i"));
  if (!combined.startsWith(nonce) || salt === "" || !Number.isInteger(iterations) || iterations < 1) {
    throw new Error("a malformed SCRAM server-first message");
  }
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, ["deriveBits"]);
  const salted = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt: base64Bytes(salt), iterations },
      key,
      256,
    ),
  );
  const clientKey = await hmac(salted, "Client Key");
  const storedKey = new Uint8Array(await crypto.subtle.digest("SHA-256", clientKey));
  const withoutProof = `c=biws,r=${combined}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = await hmac(storedKey, authMessage);
  const proof = clientKey.map((byte, i) => byte ^ signature[i]!);
  const serverSignature = await hmac(await hmac(salted, "Server Key"), authMessage);
  return { message: `${withoutProof},p=${base64(proof)}`, serverSignature: base64(serverSignature) };
}

async function hmac(key: Uint8Array<ArrayBuffer>, text: string): Promise<Uint8Array<ArrayBuffer>> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(text)));
}

function md5Hex(data: string | Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
