/** Productivity, analytics and device platforms with distinctive token prefixes. */
import { isValidBech32 } from "./checksum.ts";
import { charClasses, classCount, isPlaceholderToken } from "./quality.ts";
import { patternRule, type Rule } from "./rule.ts";

export const APP_RULES: readonly Rule[] = [
  patternRule({
    id: "figma-token",
    name: "Figma Access Token",
    keywords: ["figd_"],
    pattern: /(?<![A-Za-z0-9])figd_[\w-]{40}(?![\w-])/,
  }),
  patternRule({
    id: "notion-token",
    name: "Notion Integration Token",
    keywords: ["ntn_", "secret_"],
    pattern: /(?<![A-Za-z0-9])(?:ntn_[A-Za-z0-9]{46}|secret_[A-Za-z0-9]{43})(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "linear-api-key",
    name: "Linear API Key",
    keywords: ["lin_api_", "lin_oauth_"],
    pattern: /(?<![A-Za-z0-9])lin_(?:api|oauth)_[A-Za-z0-9]{40}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "posthog-personal-key",
    name: "PostHog Personal API Key",
    keywords: ["phx_", "phs_"],
    pattern: /(?<![A-Za-z0-9])ph[sx]_[A-Za-z0-9]{43,64}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "segment-token",
    name: "Segment Public API Token",
    keywords: ["sgp_"],
    pattern: /(?<![A-Za-z0-9])sgp_[A-Za-z0-9]{64}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "stackhawk-api-key",
    name: "StackHawk API Key",
    keywords: ["hawk."],
    pattern: /(?<![A-Za-z0-9])hawk\.[\w-]{20}\.[\w-]{20}(?![\w-])/,
  }),
  patternRule({
    id: "onepassword-service-token",
    name: "1Password Service Account Token",
    keywords: ["ops_eyj"],
    pattern: /(?<![A-Za-z0-9])ops_eyJ[\w-]{100,}/,
  }),
  patternRule({
    id: "adafruit-io-key",
    name: "Adafruit IO Key",
    keywords: ["aio_"],
    pattern: /(?<![A-Za-z0-9])aio_[A-Za-z0-9]{28}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "defined-networking-key",
    name: "Defined Networking API Key",
    keywords: ["dnkey-"],
    pattern: /(?<![A-Za-z0-9])dnkey-[A-Z0-9]{26}-[A-Z0-9]{52}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "dependency-track-key",
    name: "Dependency-Track API Key",
    keywords: ["odt_"],
    pattern: /(?<![A-Za-z0-9])odt_[A-Za-z0-9]{32,40}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "wundergraph-key",
    name: "WunderGraph Cosmo API Key",
    keywords: ["cosmo_"],
    pattern: /(?<![A-Za-z0-9])cosmo_[0-9a-f]{32}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "pulumi-token",
    name: "Pulumi Access Token",
    keywords: ["pul-"],
    pattern: /(?<![A-Za-z0-9])pul-[0-9a-f]{40}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "airtable-pat",
    name: "Airtable Personal Access Token",
    keywords: ["pat"],
    pattern: /(?<![A-Za-z0-9])pat[A-Za-z0-9]{14}\.[0-9a-f]{64}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "thingsboard-device-token",
    name: "ThingsBoard Device Token",
    keywords: ["thingsboard"],
    pattern: /thingsboard[\w.-]{0,64}\/api\/v1\/(?<s>[A-Za-z0-9]{20})\//d,
  }),
  patternRule({
    id: "truenas-api-key",
    name: "TrueNAS API Key",
    keywords: ["-"],
    minRun: 66, // digit, "-", 64 characters
    pattern: /-[A-Za-z0-9]{64}(?![\w-])/,
    extendLeft: /(?<![\w-])\d{1,4}$/,
    verify: (s) => isPlaceholderToken(s) || classCount(charClasses(s)) < 4 ? undefined : "high",
  }),
  patternRule({
    id: "mapbox-secret-token",
    name: "Mapbox Secret Token",
    keywords: ["sk.eyj", "tk.eyj"],
    pattern: /(?<![A-Za-z0-9])[st]k\.eyJ[\w-]{10,}\.[\w-]{20,}/,
  }),
  patternRule({
    id: "age-secret-key",
    name: "age Secret Key",
    keywords: ["age-secret-key-1"],
    pattern: /AGE-SECRET-KEY-1[0-9A-Z]{58}/,
    verify: (s) => isValidBech32(s) ? "certain" : "high",
  }),
  patternRule({
    id: "nkey-seed",
    name: "NATS NKey Seed",
    keywords: ["nkey", "seed", "nats"],
    pattern: /(?<![A-Z0-9])S[UOANCXP][A-Z2-7]{54,56}(?![A-Z0-9])/,
  }),
];
