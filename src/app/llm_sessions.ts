import { findGatewaySession, type GatewaySession, insertGatewaySession } from "@domain/llm/mod.ts";
import type { Principal } from "@domain/identity/mod.ts";
import type { Queryable } from "@infra/db/db.ts";
import type { Clock } from "@shared/clock.ts";
import { AppError } from "@shared/errors.ts";
import { newSessionId } from "@shared/ids.ts";
import type { AuthVerdict, Credentials } from "./authenticate.ts";

/**
 * Who is calling `/v1` and in which session. A JWT (audience `api`) or a PAT, in
 * `Authorization: Bearer` or `x-api-key`. The session is a JWT's own; a PAT's default session,
 * or one minted for that PAT by `POST /api/public/gateway/sessions` and named in `x-session-id`.
 * An `x-session-id` that is not the credential's → 401.
 */
export const GATEWAY_AUDIENCES = ["api"] as const;
const SESSION_TTL_MS = 24 * 3_600_000;

export interface GatewayAuthDeps {
  readonly authenticate: (credentials: Credentials, audiences: readonly string[]) => Promise<AuthVerdict>;
  readonly db: Queryable;
  readonly clock: Clock;
  /** Minted sessions already read (they are never changed, only expire): one lookup per session. */
  readonly sessionMemo?: Map<string, GatewaySession>;
}

const SESSION_MEMO_MAX = 4_096;

/** A gateway session by id: from the memo, else the database (remembered when found). */
async function sessionById(deps: GatewayAuthDeps, id: string): Promise<GatewaySession | undefined> {
  const memo = deps.sessionMemo;
  const known = memo?.get(id);
  if (known) return known;
  const session = await findGatewaySession(deps.db, id);
  if (session && memo) {
    if (memo.size >= SESSION_MEMO_MAX) memo.clear();
    memo.set(id, session);
  }
  return session;
}

export interface GatewayCaller {
  readonly principal: Principal;
  readonly sessionId: string;
}

export async function authenticateGatewayCaller(
  deps: GatewayAuthDeps,
  credentials: Credentials,
  sessionHeader: string | undefined,
): Promise<GatewayCaller> {
  const principal = await principalOf(deps, credentials);
  const wanted = sessionHeader?.trim();
  if (!wanted || wanted === principal.sessionId) return { principal, sessionId: principal.sessionId };
  const prefix = apiKeyPrefix(principal);
  if (prefix !== null) {
    const session = await sessionById(deps, wanted);
    const valid = session !== undefined && session.apiKey === prefix && session.userId === principal.userId &&
      session.expiresAt.getTime() > deps.clock.now().getTime();
    if (valid) return { principal, sessionId: wanted };
  }
  throw new AppError("auth.invalid_token", "x-session-id does not belong to this credential");
}

/** 201 `{"session_id"}`: a new session for a PAT; a JWT already is one and gets its own back. */
export async function mintGatewaySession(
  deps: GatewayAuthDeps,
  credentials: Credentials,
): Promise<{ session_id: string }> {
  const principal = await principalOf(deps, credentials);
  const prefix = apiKeyPrefix(principal);
  if (prefix === null) return { session_id: principal.sessionId };
  const now = deps.clock.now();
  const id = newSessionId(now.getTime());
  await insertGatewaySession(deps.db, {
    id,
    userId: principal.userId,
    apiKey: prefix,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  }, now);
  return { session_id: id };
}

/** The PAT prefix of a caller that used one (budgets, quotas and sessions are keyed by it). */
export function apiKeyPrefix(principal: Principal): string | null {
  return principal.credential === "api_key" && principal.clientId?.startsWith("pat:")
    ? principal.clientId.slice(4)
    : null;
}

async function principalOf(deps: GatewayAuthDeps, credentials: Credentials): Promise<Principal> {
  const verdict = await deps.authenticate(credentials, GATEWAY_AUDIENCES);
  if (verdict.ok) return verdict.principal;
  throw new AppError(
    verdict.reason === "missing" ? "auth.missing_token" : "auth.invalid_token",
    verdict.message,
  );
}
