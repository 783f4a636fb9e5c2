const REDACTED = "[REDACTED]";

/**
 * A value that must never be printed. It shows as `[REDACTED]` in strings, JSON and Deno's
 * inspector; `reveal()` is called at the last moment by the code that needs the plain value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for("Deno.customInspect")](): string {
    return REDACTED;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}
