import type { Principal } from "@domain/identity/mod.ts";
import type { RequestId, TraceId } from "@shared/ids.ts";

/** Hono's typed context: what middleware sets for handlers. */
export interface HttpEnv {
  Variables: {
    requestId: RequestId;
    traceId: TraceId;
    principal: Principal;
  };
}
