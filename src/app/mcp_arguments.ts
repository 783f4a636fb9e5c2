import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { JsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { toolFingerprint } from "@domain/mcp/mod.ts";
import type { Tool } from "./mcp_types.ts";

/**
 * Tool arguments are checked against the tool's input schema before the upstream is called
 * (MCP 2025-11-25: a failure is a tool result with `isError: true`). Validators are compiled once
 * per distinct tool form and kept in a bounded map owned by the hub.
 */
const MAX_VALIDATORS = 1_000;

export class ArgumentValidators {
  readonly #ajv = new AjvJsonSchemaValidator();
  readonly #byForm = new Map<string, JsonSchemaValidator<unknown> | null>();

  /** Undefined when valid (or the schema cannot be compiled: the upstream then validates). */
  check(tool: Tool, args: Record<string, unknown>): string | undefined {
    const validator = this.#validator(tool);
    if (!validator) return undefined;
    const result = validator(args);
    return result.valid ? undefined : result.errorMessage;
  }

  #validator(tool: Tool): JsonSchemaValidator<unknown> | null {
    const form = toolFingerprint(tool);
    let validator = this.#byForm.get(form);
    if (validator === undefined) {
      try {
        validator = this.#ajv.getValidator(structuredClone(tool.inputSchema) as never);
      } catch {
        validator = null;
      }
      if (this.#byForm.size >= MAX_VALIDATORS) this.#byForm.clear();
      this.#byForm.set(form, validator);
    }
    return validator;
  }
}
