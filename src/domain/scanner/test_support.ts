/**
 * Test helpers. Fixture secrets are random, grant nothing, and are written as joined parts so this
 * repository's sources never contain a contiguous credential-shaped string.
 */
import { scanJson, scanText } from "./scan.ts";
import type { Finding, ScanOptions, ScanResult } from "./types.ts";

export const OPTIONS: ScanOptions = { fingerprintKey: new TextEncoder().encode("test-pepper-0123456789") };

/** Joins fixture parts: `fx("ghp_", "Fixt…")`. */
export const fx = (...parts: string[]): string => parts.join("");

export const FIXTURES = {
  ghp: fx("ghp_", "Fixtkg4ruqgJDOR9spWPG300bR0Cv72fxnBM"),
  gho: fx("gho_", "FixtBJ6OUmtkylmFQE38OyNaEBJWh927XedV"),
  npm: fx("npm_", "FixtxHUoDQfvQgAjior0yOza4I0RBe1gigT8"),
  aws: fx("AKIA", "NMLUNAYN2FVQYUPN"),
  awsSecret: fx("PAViS/0mG9lmHG1qdxp3", "VIdE5VtgEFic8B87nnhd"),
  anthropic: fx(
    "sk-ant-api03-",
    "hOOFV_oOsSt4QEixpPw8KCPLcPxQDMVC0A3EsMxUYjbsuqaTmy6ZDE4jk5013DZZCern1rqB0kTKKBLtEKrILAJ2vWYrYAA",
  ),
  openaiProject: fx(
    "sk-proj-",
    "o0qaACCWhLvsYGRauKp2c4HsG-hvTlt9EEiTWMnLQkbPddGpu0D33uqZG5n-Qqb80nDo9CJoF7",
    "T3BlbkFJ",
    "RqirjMMolnvu69I7L-I2ZQBTi7UWTaTDaQuw5MTRP2LQ9QY3oXl8PrIxkB0HL04G-VpmVXcI7z",
  ),
  groq: fx("gsk_", "CjTMuUnu1n48e2JCTTYEvd11w2AU6wR2dcZAnsYqv1HZj2SF57zp"),
  huggingface: fx("hf_", "ESQvwyjRMRFflzUCupQzsdWaJIxPWOwxkg"),
  google: fx("AIza", "bh2WNdEdbJLWTPGM1AO7b1cwwQ60wiph4w2"),
  xai: fx("xai-", "zRLQK55KhBcMq0vrCKE4uX51jV3A1uvygdlrou7vx4zLnW7i9FV6UnBM0Z7mNbPewIaNJzml2h3GJquu"),
  slack: fx("xoxb-", "555573674327-4224040179490-wiRZwUf4YfqktgLJ9IrcypDW"),
  stripe: fx("sk_live_", "Hhg3cQgBoxOzNy4RQq7ECqCD"),
  gitlab: fx("glpat-", "oBBjUHe_ud1zeQvfH-LI"),
  sendgrid: fx("SG.", "FmdO1Vj46-ItRcBtf5wQmb.6dGZM6-W8e3LV9LXHxfntIw4KEGahkxU6DNEgYnAcAS"),
  replicate: fx("r8_", "YvU1ftUHxMZWBEe9EEF3wtYqzJuyJ1Drx4Sxv"),
  perplexity: fx("pplx-", "Z75oejYnlyRG0RKOg1rfLAaxG4HMoaBY8BtFV5vi4eCdvw7l"),
  digitalocean: fx("dop_v1_", "ff1c5ff540c9e1627eece892efd8fdafc1c815eab634ea2c3043462048d02118"),
  twilio: fx("SK", "4634f752132172f19143450aa35e8260"),
  telegram: fx("6089370780", ":AAhFf0NBw66TKOMMGyeMtX9J9k5RW0M3xRX"),
  password: fx("ugE7vCIjDE", "#40"),
} as const;

export function scan(value: unknown): ScanResult {
  return typeof value === "string" ? scanText(value, "text", OPTIONS) : scanJson(value, OPTIONS);
}

export function ids(result: ScanResult): string[] {
  return result.findings.map((f: Finding) => f.detectorId);
}
