/** Cloud and infrastructure: AWS, Google Cloud, Azure, DigitalOcean, Heroku, Vault, observability. */
import { isPlaceholderToken } from "./quality.ts";
import { patternRule, type Rule } from "./rule.ts";
import type { Confidence } from "./types.ts";

/** AWS's documentation key pair: agents paste it too, so it is blocked (corpus policy exception). */
const AWS_DOC_VALUES = new Set(["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]);

/** Key ids are base32 (A–Z, 2–7) after the 4-letter prefix; other bodies still block. */
const awsKeyIdVerify = (s: string): Confidence | undefined => {
  if (AWS_DOC_VALUES.has(s)) return "high";
  if (isPlaceholderToken(s.slice(4))) return undefined;
  return /^[A-Z2-7]{16}$/.test(s.slice(4)) ? "certain" : "high";
};

const awsSecretVerify = (s: string): Confidence | undefined =>
  AWS_DOC_VALUES.has(s)
    ? "high"
    : isPlaceholderToken(s) || !/[A-Z]/.test(s) || !/[0-9]/.test(s)
    ? undefined
    : "high";

export const CLOUD_RULES: readonly Rule[] = [
  patternRule({
    id: "aws-access-key",
    name: "AWS Access Key",
    keywords: ["akia", "asia", "abia", "acca", "a3t"],
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}/,
    verify: awsKeyIdVerify,
  }),
  patternRule({
    id: "aws-secret-key",
    name: "AWS Secret Access Key",
    keywords: ["secret", "wjalrxutnfemi"],
    pattern:
      /(?:(?:aws_?)?secret_?(?:access_?)?key|aws_?secret)["'\]]?\s*(?:[:=]|=>)\s*["']?(?<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])|(?<s>wJalrXUtnFEMI\/K7MDENG\/bPxRfiCYEXAMPLEKEY)/di,
    verify: awsSecretVerify,
  }),
  patternRule({
    id: "aws-bedrock-api-key",
    name: "AWS Bedrock API Key",
    keywords: ["bedrock-api-key-", "absk"],
    pattern: /(?<![A-Za-z0-9])(?:bedrock-api-key-[A-Za-z0-9+/=]{20,}|ABSK[A-Za-z0-9+/]{100,}={0,2})/,
  }),
  patternRule({
    id: "aws-appsync-api-key",
    name: "AWS AppSync API Key",
    keywords: ["da2-"],
    pattern: /(?<![\w-])da2-[a-z0-9]{26}(?![a-z0-9])/,
  }),
  patternRule({
    id: "aws-mws-key",
    name: "Amazon MWS Auth Token",
    keywords: ["amzn.mws."],
    pattern: /amzn\.mws\.[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}/,
  }),
  patternRule({
    id: "gcp-service-account",
    name: "Google Cloud Service Account Key",
    keywords: ["private_key_id"],
    pattern: /"private_key_id"\s*:\s*"(?<s>[0-9a-f]{40})"/d,
    confidence: "certain",
  }),
  patternRule({
    id: "google-oauth-client-secret",
    name: "Google OAuth Client Secret",
    keywords: ["gocspx-"],
    pattern: /(?<![A-Za-z0-9])GOCSPX-[\w-]{28}(?![\w-])/,
  }),
  patternRule({
    id: "google-oauth-token",
    name: "Google OAuth Token",
    keywords: ["ya29.", "1//0"],
    pattern: /(?<![A-Za-z0-9])(?:ya29\.[\w-]{30,}|1\/\/0[\w-]{40,})/,
  }),
  patternRule({
    id: "azure-storage-key",
    name: "Azure Storage Account Key",
    keywords: ["accountkey="],
    pattern: /AccountKey=(?<s>[A-Za-z0-9+/]{40,}={0,2})/di,
  }),
  patternRule({
    id: "azure-shared-access-key",
    name: "Azure Shared Access Key",
    keywords: ["sharedaccesskey=", "sig="],
    pattern: /(?:SharedAccessKey=|[?&]sig=)(?<s>[A-Za-z0-9+/%]{40,}={0,2})/di,
  }),
  patternRule({
    id: "azure-app-configuration",
    name: "Azure App Configuration Secret",
    keywords: ["azconfig.io"],
    pattern: /azconfig\.io;Id=[^;\s]{4,80};Secret=(?<s>[A-Za-z0-9+/]{40,}={0,2})/d,
  }),
  patternRule({
    id: "azure-devops-pat",
    name: "Azure DevOps Personal Access Token",
    keywords: ["jqqj9"],
    pattern: /JQQJ9[0-9][A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4}(?![A-Za-z0-9])/,
    extendLeft: /(?<![A-Za-z0-9])[A-Za-z0-9]{52}$/,
  }),
  patternRule({
    id: "azure-client-secret",
    name: "Azure AD Client Secret",
    keywords: ["q~"],
    pattern: /Q~[\w~.-]{31,34}(?![\w~.-])/,
    extendLeft: /(?<![\w~.-])[A-Za-z0-9_~.]{3}\d$/,
  }),
  patternRule({
    id: "digitalocean-token",
    name: "DigitalOcean Token",
    keywords: ["dop_v1_", "doo_v1_", "dor_v1_"],
    pattern: /(?<![A-Za-z0-9])do[opr]_v1_[0-9a-f]{64}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "heroku-api-key",
    name: "Heroku API Key",
    keywords: ["hrku-"],
    pattern:
      /(?<![A-Za-z0-9])HRKU-(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[\w-]{60})/,
  }),
  patternRule({
    id: "heroku-api-key",
    name: "Heroku API Key",
    keywords: ["heroku"],
    pattern:
      /heroku[\w-]{0,20}?(?:key|token)["']?\s*[:=]\s*["']?(?<s>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/di,
  }),
  patternRule({
    id: "alibaba-access-key",
    name: "Alibaba Cloud AccessKey ID",
    keywords: ["ltai"],
    pattern: /(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "cloudflare-api-token",
    name: "Cloudflare API Token",
    keywords: ["cfat_", "cfut_", "cfk_"],
    pattern: /(?<![A-Za-z0-9])cf(?:at|ut|k)_[A-Za-z0-9]{40,50}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "databricks-token",
    name: "Databricks Access Token",
    keywords: ["dapi"],
    pattern: /(?<![A-Za-z0-9])dapi[0-9a-f]{32}(?:-\d)?(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "doppler-token",
    name: "Doppler Token",
    keywords: ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
    pattern:
      /(?<![A-Za-z0-9])dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9]{1,12}\.)?[A-Za-z0-9]{40,44}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "vault-token",
    name: "HashiCorp Vault Token",
    keywords: ["hvs.", "hvb.", "hvr."],
    pattern: /(?<![A-Za-z0-9])hv[sbr]\.[\w-]{24,}/,
  }),
  patternRule({
    id: "terraform-cloud-token",
    name: "Terraform Cloud Token",
    keywords: [".atlasv1."],
    pattern: /\.atlasv1\.[\w=-]{60,}/,
    extendLeft: /(?<![A-Za-z0-9])[A-Za-z0-9]{14}$/,
  }),
  patternRule({
    id: "vault-unseal-key",
    name: "HashiCorp Vault Unseal Key",
    keywords: ["unseal"],
    pattern: /(?:unseal key(?: \d+)?:|operator unseal)\s*(?<s>[A-Za-z0-9+/]{40,}={0,2})/di,
  }),
  patternRule({
    id: "dynatrace-token",
    name: "Dynatrace API Token",
    keywords: ["dt0c01."],
    pattern: /(?<![A-Za-z0-9])dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "newrelic-key",
    name: "New Relic Key",
    keywords: ["nrak-", "nraa-", "nrra-", "nrii-", "nriq-", "nrjs-", "px-api-", "px-dep-"],
    pattern:
      /(?<![A-Za-z0-9])(?:NR(?:AK|AA|RA|II|IQ|JS)-[\w-]{20,44}|px-(?:api|dep)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "newrelic-key",
    name: "New Relic Key",
    keywords: ["nral"],
    pattern: /NRAL(?![A-Za-z0-9])/,
    extendLeft: /(?<![A-Za-z0-9])[0-9a-z]{36}$/,
  }),
  patternRule({
    id: "grafana-token",
    name: "Grafana Token",
    keywords: ["glc_", "glsa_", "eyjrijoi"],
    pattern:
      /(?<![A-Za-z0-9])(?:glc_eyJ[A-Za-z0-9+/=_-]{50,}|glsa_[A-Za-z0-9]{32}_[0-9a-f]{8}|eyJrIjoi[A-Za-z0-9+/=_-]{40,})/,
  }),
  patternRule({
    id: "planetscale-token",
    name: "PlanetScale Token",
    keywords: ["pscale_"],
    pattern: /(?<![A-Za-z0-9])pscale_(?:pw|tkn|oauth)_[\w.=-]{32,64}/,
  }),
  patternRule({
    id: "supabase-token",
    name: "Supabase Access Token",
    keywords: ["sbp_"],
    pattern: /(?<![A-Za-z0-9])sbp_(?:v0_)?[0-9a-f]{40}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "vercel-token",
    name: "Vercel Token",
    keywords: ["vcp_", "vck_", "vci_", "vca_", "vcr_"],
    pattern: /(?<![A-Za-z0-9])vc[pkiar]_[A-Za-z0-9]{40,60}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "netlify-token",
    name: "Netlify Token",
    keywords: ["nfp_", "nfc_"],
    pattern: /(?<![A-Za-z0-9])nf[pc]_[A-Za-z0-9]{36}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "kubernetes-bootstrap-token",
    name: "Kubernetes Bootstrap Token",
    keywords: ["bootstrap"],
    pattern: /bootstrap[\w-]{0,12}["']?(?:\s*[:=]\s*|\s+)["']?(?<s>[a-z0-9]{6}\.[a-z0-9]{16})(?![a-z0-9])/di,
  }),
  patternRule({
    id: "akamai-client-token",
    name: "Akamai Client Token",
    keywords: ["akab-"],
    pattern: /(?<![A-Za-z0-9])akab-[a-z0-9]{16}-[a-z0-9]{16}(?![\w.-])/,
  }),
];
