/** Build identity. `scripts/compile.ts` stamps commit and date into the artifact it builds. */
export const VERSION = "0.1.0";

export interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly buildDate: string;
}

export const DEV_BUILD: BuildInfo = { version: VERSION, commit: "dev", buildDate: "unknown" };
