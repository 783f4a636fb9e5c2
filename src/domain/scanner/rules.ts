/** The detector catalogue, in priority order, and its keyword index (built once, immutable). */
import { ASSIGNMENT_RULE } from "./assign.ts";
import { ENTROPY_RULE } from "./entropy.ts";
import { buildIndex, type KeywordIndex } from "./prefilter.ts";
import type { Rule } from "./rule.ts";
import { AI_RULES } from "./rules_ai.ts";
import { APP_RULES } from "./rules_apps.ts";
import { CLOUD_RULES } from "./rules_cloud.ts";
import { DEV_RULES } from "./rules_dev.ts";
import { KEY_RULES } from "./rules_keys.ts";
import { KEY_VALUE_RULE, PASSWORD_RULES } from "./rules_password.ts";
import { SAAS_RULES } from "./rules_saas.ts";

export const RULES: readonly Rule[] = [
  ...AI_RULES,
  ...DEV_RULES,
  ...CLOUD_RULES,
  ...SAAS_RULES,
  ...APP_RULES,
  ...KEY_RULES,
  ...PASSWORD_RULES,
  ASSIGNMENT_RULE,
  KEY_VALUE_RULE,
  ENTROPY_RULE,
];

export const RULE_INDEX: KeywordIndex = buildIndex(RULES);

/** Ids reported by rules that name their findings after what they found (key kind, URL scheme). */
const DERIVED_IDS = [
  "pem-private-key-rsa",
  "pem-private-key-ec",
  "pem-private-key-dsa",
  "pem-private-key-openssh",
  "pem-private-key-encrypted",
  "pgp-private-key",
  "postgres-url-with-password",
  "mysql-url-with-password",
  "mongodb-srv-url",
  "redis-url-with-auth",
  "amqp-url-with-password",
  "generic-password-field",
  "known-secret",
];

/** Every detector id the scanner can report, sorted. */
export function detectorIds(): string[] {
  return [...new Set([...RULES.map((r) => r.id), ...DERIVED_IDS])].sort();
}
