/** Rules built per scan from options: known (vault) secrets and configured extra patterns. */
import { knownSecretRule, patternRule, type Rule } from "./rule.ts";
import type { ExtraPattern, ScanOptions } from "./types.ts";

/** A known secret and its base64 forms (standard and URL-safe, unpadded). */
function knownForms(values: readonly string[]): string[] {
  const forms: string[] = [];
  for (const v of values) {
    const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(v))).replace(/=+$/, "");
    forms.push(v, b64, b64.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function extraRule(p: ExtraPattern): Rule | undefined {
  const source = p.regex ??
    (p.prefix ? `(?<![A-Za-z0-9])${escapeRegex(p.prefix)}[A-Za-z0-9_\\-+/=.]{8,}` : undefined);
  if (source === undefined) return undefined;
  return patternRule({
    id: "custom-pattern",
    name: p.name,
    keywords: p.prefix && !p.regex && p.prefix.length >= 2 ? [p.prefix.toLowerCase()] : [],
    pattern: new RegExp(source, "d"),
    confidence: "high",
    verify: () => "high",
  });
}

/** The extra rules one scan runs on every view (they bypass the keyword index). */
export function optionRules(options: ScanOptions): Rule[] {
  const rules: Rule[] = [];
  if (options.knownSecrets?.length) rules.push(knownSecretRule(knownForms(options.knownSecrets)));
  for (const p of options.extraPatterns ?? []) {
    const rule = extraRule(p);
    if (rule) rules.push(rule);
  }
  return rules;
}
