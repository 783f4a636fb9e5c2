import { AppError } from "@shared/errors.ts";

/** Small decoders for wire JSON (callers' bodies and upstream answers). */
export type Json = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function int(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? Math.max(0, Math.trunc(value)) : 0;
}

export function invalid(message: string): AppError {
  return new AppError("llm.invalid_request", message);
}

/** Parses JSON text; a caller's malformed body is a 400 in the caller's dialect. */
export function parseJsonBody(text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("request body is not valid JSON");
  }
  if (!isObject(value)) throw invalid("request body must be a JSON object");
  return value;
}

/** Tool arguments arrive as JSON text on the OpenAI wire; anything but an object becomes `{}`. */
export function parseArguments(text: string | undefined): Json {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}

/** Copies the optional sampling fields that are present and numeric. */
export function pickNumbers<K extends string>(body: Json, keys: readonly K[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const value = num(body[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
