import type { Secret } from "@shared/secret.ts";

/**
 * The values of one call's resolved secrets, so egress scanning can remove them from whatever comes
 * back (tool results, upstream errors, model output). Each value is matched as sent and in the forms
 * it most often travels in: JSON-escaped, percent-encoded, base64 and base64url (padded or not), and
 * the stable middle of its base64 at any byte alignment (e.g. inside `Basic base64(user:token)`).
 * Per call and short-lived: create one per request and let it go with the request.
 */
export interface KnownSecrets {
  /** Registers a resolved value (values shorter than `MIN_KNOWN_LENGTH` are too common to redact). */
  add(value: Secret): void;
  /** `text` with every known form replaced by `[REDACTED]`. */
  redactKnown(text: string): string;
  /** A JSON value with every string (and key) passed through `redactKnown`. */
  redactKnownJson<T>(value: T): T;
  readonly size: number;
}

export const MIN_KNOWN_LENGTH = 4;
const MIN_FORM_LENGTH = 8;
const REDACTED = "[REDACTED]";
const encoder = new TextEncoder();
/**
 * The forms of each resolved `Secret`, kept as long as the `Secret` itself: a cached provider key
 * (llm_keys.ts) is registered on every call and encodes its forms once.
 */
const formsCache = new WeakMap<Secret, readonly string[]>();

export function createKnownSecrets(): KnownSecrets {
  const forms = new Set<string>();
  let values = 0;
  let pattern: RegExp | undefined;
  const redactKnown = (text: string): string => {
    if (forms.size === 0 || text === "") return text;
    pattern ??= new RegExp(
      [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"),
      "g",
    );
    return text.replace(pattern, REDACTED);
  };
  return {
    add: (value) => {
      let valueForms = formsCache.get(value);
      if (valueForms === undefined) {
        const plain = value.reveal();
        valueForms = plain.length < MIN_KNOWN_LENGTH ? [] : formsOf(plain);
        formsCache.set(value, valueForms);
      }
      if (valueForms.length === 0) return;
      const before = forms.size;
      for (const form of valueForms) forms.add(form);
      if (forms.size !== before) {
        values++;
        pattern = undefined;
      }
    },
    redactKnown,
    redactKnownJson: <T>(value: T): T => redactJson(value, redactKnown) as T,
    get size() {
      return values;
    },
  };
}

function formsOf(plain: string): string[] {
  const bytes = encoder.encode(plain);
  const out = [plain, JSON.stringify(plain).slice(1, -1), encodeURIComponent(plain)];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = base64(shift === 0 ? bytes : concat(new Uint8Array(shift), bytes));
    if (shift === 0) out.push(b64, b64.replace(/=+$/, ""));
    // Characters that depend only on the value's own bytes: skip the group shared with the
    // preceding bytes and the last, partial group shared with whatever follows.
    const core = b64.slice(shift === 0 ? 0 : 4, Math.floor((shift + bytes.length) / 3) * 4);
    if (core.length >= MIN_FORM_LENGTH) out.push(core);
  }
  const withUrl = out.flatMap((f) => [f, f.replaceAll("+", "-").replaceAll("/", "_")]);
  return withUrl.filter((f) => f === plain || f.length >= MIN_FORM_LENGTH);
}

function redactJson(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redact(k), redactJson(v, redact)]),
    );
  }
  return value;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
