import { Hono } from "hono";
import type { PublicJwk } from "@domain/identity/mod.ts";
import type { HttpEnv } from "../env.ts";

/**
 * `GET /.well-known/jwks.json`: every public key that still verifies (the signer and keys rotated
 * out whose tokens may not have expired yet). Read from the live key ring, so a rotation shows
 * here as soon as this process hears of it.
 */
export function wellKnownRoutes(deps: { keys: { readonly jwks: readonly PublicJwk[] } }): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.get("/.well-known/jwks.json", (c) => {
    c.header("cache-control", "public, max-age=60");
    return c.json({ keys: deps.keys.jwks });
  });
  return app;
}
