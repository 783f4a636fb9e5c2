import type { Context } from "hono";
import type { z } from "zod";
import { AppError } from "@shared/errors.ts";

/**
 * Parses a JSON request body with a zod schema: not JSON → 400 `request.invalid_json`, wrong
 * shape → 400 `request.invalid_body` listing each problem as `{path, message}` (client-safe).
 * An empty body is read as `{}` so that routes whose fields are all optional need none.
 */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AppError("request.invalid_json", "request body is not valid JSON");
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    const first = problems[0];
    const summary = first ? `${first.path || "body"}: ${first.message}` : "invalid body";
    throw new AppError("request.invalid_body", summary, { data: { problems } });
  }
  return parsed.data;
}
