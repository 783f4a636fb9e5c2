import m0001 from "@sql/migrations/0001_create_core.sql" with { type: "text" };
import m0002 from "@sql/migrations/0002_identity.sql" with { type: "text" };
import m0003 from "@sql/migrations/0003_audit_chain.sql" with { type: "text" };
import m0004 from "@sql/migrations/0004_governance.sql" with { type: "text" };
import m0005 from "@sql/migrations/0005_vault.sql" with { type: "text" };
import m0006 from "@sql/migrations/0006_mcp.sql" with { type: "text" };
import m0007 from "@sql/migrations/0007_llm.sql" with { type: "text" };
import m0008 from "@sql/migrations/0008_audit_append.sql" with { type: "text" };
import m0009 from "@sql/migrations/0009_rate_limit_batch.sql" with { type: "text" };
import m0010 from "@sql/migrations/0010_outbox_reference.sql" with { type: "text" };
import m0011 from "@sql/migrations/0011_audit_append_hash.sql" with { type: "text" };
import m0012 from "@sql/migrations/0012_rate_limit_refund.sql" with { type: "text" };
import m0013 from "@sql/migrations/0013_lean_reservation.sql" with { type: "text" };
import m0014 from "@sql/migrations/0014_rate_limit_lease.sql" with { type: "text" };
import m0015 from "@sql/migrations/0015_budget_lease.sql" with { type: "text" };
import m0016 from "@sql/migrations/0016_audit_event_nudge.sql" with { type: "text" };
import m0017 from "@sql/migrations/0017_decision_events_published.sql" with { type: "text" };
import m0018 from "@sql/migrations/0018_audit_append_checkpoints.sql" with { type: "text" };
import m0019 from "@sql/migrations/0019_llm_events_reference.sql" with { type: "text" };
import m0020 from "@sql/migrations/0020_audit_append_inline.sql" with { type: "text" };

/**
 * Every migration, in order, embedded as text so that a bundled or compiled build carries them.
 * A test checks that this list and `sql/migrations/` name the same files.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "0001_create_core", sql: m0001 },
  { version: 2, name: "0002_identity", sql: m0002 },
  { version: 3, name: "0003_audit_chain", sql: m0003 },
  { version: 4, name: "0004_governance", sql: m0004 },
  { version: 5, name: "0005_vault", sql: m0005 },
  { version: 6, name: "0006_mcp", sql: m0006 },
  { version: 7, name: "0007_llm", sql: m0007 },
  { version: 8, name: "0008_audit_append", sql: m0008 },
  { version: 9, name: "0009_rate_limit_batch", sql: m0009 },
  { version: 10, name: "0010_outbox_reference", sql: m0010 },
  { version: 11, name: "0011_audit_append_hash", sql: m0011 },
  { version: 12, name: "0012_rate_limit_refund", sql: m0012 },
  { version: 13, name: "0013_lean_reservation", sql: m0013 },
  { version: 14, name: "0014_rate_limit_lease", sql: m0014 },
  { version: 15, name: "0015_budget_lease", sql: m0015 },
  { version: 16, name: "0016_audit_event_nudge", sql: m0016 },
  { version: 17, name: "0017_decision_events_published", sql: m0017 },
  { version: 18, name: "0018_audit_append_checkpoints", sql: m0018 },
  { version: 19, name: "0019_llm_events_reference", sql: m0019 },
  { version: 20, name: "0020_audit_append_inline", sql: m0020 },
];
