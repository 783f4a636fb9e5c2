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

/**
 * Tool arguments (every string leaf and key) or the prompt text. Deny text:
 * `secret detected: <Name> at <tool_input|prompt>.<path> (<preview>)[ (+N more)]`.
 */
export function createSecretScan(scanner: SecretScanPort): Stage {
  return {
    id: "secret_scan",
    evaluate: ({ target }) => {
      const { findings, hiddenCharacters, truncated } = target.prompt !== undefined
        ? scanner.scanText(target.prompt, "prompt.text")
        : scanner.scanJson(target.toolInput ?? {});
      if (truncated && findings.length === 0) {
        return {
          result: "fail",
          policy: "unscannable",
          reason: "input too large or too deeply nested to scan for secrets; denied",
        };
      }
      const hidden = hiddenCharacters ? "hidden characters removed before scanning" : undefined;
      const [first] = findings;
      if (!first) return hidden ? { result: "pass", detail: hidden } : { result: "pass" };
      const where = target.prompt !== undefined ? first.path : `tool_input.${first.path}`;
      const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : "";
      const detail = findings.map((f) => `${f.detectorId}@${f.path}:${f.confidence}`).join(", ");
      return {
        result: "fail",
        reason: `secret detected: ${first.name} at ${where} (${first.preview})${more}`,
        detail: hidden ? `${detail}; ${hidden}` : detail,
      };
    },
  };
}
