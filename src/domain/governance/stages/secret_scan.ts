import type { Stage } from "../types.ts";

/** The scanner as this stage needs it (the scanner domain satisfies it; the app passes it in). */
export interface SecretFinding {
  readonly name: string;
  readonly path: string;
  readonly preview: string;
  readonly detectorId: string;
  readonly confidence: string;
}

export interface SecretScanPort {
  scanJson(value: unknown): ScanSummary;
  scanText(text: string, path: string): ScanSummary;
}

export interface ScanSummary {
  readonly findings: readonly SecretFinding[];
  readonly hiddenCharacters: boolean;
  /** The scanner stopped at its size or depth budget: what it did not read cannot be allowed. */
  readonly truncated?: boolean;
}

/** What a finding does (`stages.secret_scan` in the governance config). */
export type SecretAction = "deny" | "log" | "off";

export interface SecretScanActions {
  /** For `low`-confidence (entropy-only) findings; `certain`/`high` deny. Default `deny`. */
  readonly lowConfidence?: "deny" | "log";
  /** Per detector id, over the confidence rule. */
  readonly detectors?: Readonly<Record<string, SecretAction>>;
}

function actionOf(f: SecretFinding, actions: SecretScanActions): SecretAction {
  const own = actions.detectors?.[f.detectorId];
  if (own !== undefined) return own;
  return f.confidence === "low" ? actions.lowConfidence ?? "deny" : "deny";
}

const describe = (list: readonly SecretFinding[]): string =>
  list.map((f) => `${f.detectorId}@${f.path}:${f.confidence}`).join(", ");

/** The audit detail: denying findings, then `logged (allowed): …`, then the hidden-character note. */
function detailOf(deny: readonly SecretFinding[], logged: readonly SecretFinding[], hidden: boolean): string {
  return [
    deny.length > 0 ? describe(deny) : undefined,
    logged.length > 0 ? `logged (allowed): ${describe(logged)}` : undefined,
    hidden ? "hidden characters removed before scanning" : undefined,
  ].filter((part) => part !== undefined).join("; ");
}

/**
 * Tool arguments (every string leaf and key) or the prompt text. Each finding denies, is logged
 * (recorded in the detail, allowed) or is ignored, as `actions` say. Deny text:
 * `secret detected: <Name> at <tool_input|prompt>.<path> (<preview>)[ (+N more)]`, N counting the
 * other denying findings. A scan cut at its budget with nothing denied is `unscannable`.
 */
export function createSecretScan(scanner: SecretScanPort, actions: SecretScanActions = {}): Stage {
  return {
    id: "secret_scan",
    evaluate: ({ target }) => {
      const { findings, hiddenCharacters, truncated } = target.prompt !== undefined
        ? scanner.scanText(target.prompt, "prompt.text")
        : scanner.scanJson(target.toolInput ?? {});
      const deny = findings.filter((f) => actionOf(f, actions) === "deny");
      const logged = findings.filter((f) => actionOf(f, actions) === "log");
      const detail = detailOf(deny, logged, hiddenCharacters);
      const [first] = deny;
      if (!first) {
        if (truncated) {
          return {
            result: "fail",
            policy: "unscannable",
            reason: "input too large or too deeply nested to scan for secrets; denied",
            ...(detail ? { detail } : {}),
          };
        }
        return detail ? { result: "pass", detail } : { result: "pass" };
      }
      const where = target.prompt !== undefined ? first.path : `tool_input.${first.path}`;
      const more = deny.length > 1 ? ` (+${deny.length - 1} more)` : "";
      return {
        result: "fail",
        reason: `secret detected: ${first.name} at ${where} (${first.preview})${more}`,
        detail,
      };
    },
  };
}
