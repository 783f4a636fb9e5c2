/** Source hosting, package registries and CI: GitHub, GitLab, Atlassian, npm, PyPI, Docker and kin. */
import { hasValidCrc32Suffix } from "./checksum.ts";
import { isPlaceholderToken } from "./quality.ts";
import { patternRule, type Rule } from "./rule.ts";
import type { Confidence } from "./types.ts";

/** GitHub and npm tokens: a valid CRC32 suffix makes them certain; a failed one still blocks. */
const crcVerify = (prefixLength: number) => (s: string): Confidence | undefined =>
  isPlaceholderToken(s.slice(prefixLength))
    ? undefined
    : hasValidCrc32Suffix(s, prefixLength)
    ? "certain"
    : "high";

const github = (id: string, name: string, prefix: string): Rule =>
  patternRule({
    id,
    name,
    keywords: [prefix],
    pattern: new RegExp(`(?<![A-Za-z0-9])${prefix}[A-Za-z0-9]{36}`, ""),
    verify: crcVerify(4),
  });

export const DEV_RULES: readonly Rule[] = [
  github("github-token-classic", "GitHub Personal Access Token", "ghp_"),
  github("github-oauth", "GitHub OAuth Access Token", "gho_"),
  github("github-app-user-to-server", "GitHub App User Token", "ghu_"),
  github("github-app-server-to-server", "GitHub App Installation Token", "ghs_"),
  patternRule({
    id: "github-app-refresh",
    name: "GitHub App Refresh Token",
    keywords: ["ghr_"],
    pattern: /(?<![A-Za-z0-9])ghr_[A-Za-z0-9]{36,76}/,
  }),
  patternRule({
    id: "github-token-fine-grained",
    name: "GitHub Fine-Grained Personal Access Token",
    keywords: ["github_pat_"],
    pattern: /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9]{20,30}_[A-Za-z0-9]{50,70}/,
    confidence: "certain",
  }),
  patternRule({
    id: "gitlab-token",
    name: "GitLab Token",
    keywords: [
      "glpat-",
      "gloas-",
      "gldt-",
      "glrt-",
      "glrtr-",
      "glcbt-",
      "glptt-",
      "glft-",
      "glimt-",
      "glagent-",
      "glsoat-",
      "glffct-",
      "glwt-",
    ],
    pattern: /(?<![A-Za-z0-9])gl(?:pat|oas|dt|rtr|rt|cbt|ptt|ft|imt|agent|soat|ffct|wt)-[\w.-]{20,}/,
  }),
  patternRule({
    id: "gitlab-runner-registration-token",
    name: "GitLab Runner Registration Token",
    keywords: ["gr1348941"],
    pattern: /(?<![A-Za-z0-9])GR1348941[\w-]{20}(?![\w-])/,
  }),
  patternRule({
    id: "gitlab-session-cookie",
    name: "GitLab Session Cookie",
    keywords: ["_gitlab_session"],
    pattern: /_gitlab_session=(?<s>[0-9a-f]{32})(?![0-9a-f])/d,
  }),
  patternRule({
    id: "bitbucket-token",
    name: "Bitbucket Token",
    keywords: ["atbb", "bbdc-", "atctt3"],
    pattern: /(?<![A-Za-z0-9])(?:ATBB[A-Za-z0-9]{28,40}|BBDC-[A-Za-z0-9+/@_-]{40,48}|ATCTT3xFfG[\w=-]{100,})/,
  }),
  patternRule({
    id: "atlassian-api-token",
    name: "Atlassian API Token",
    keywords: ["atatt3"],
    pattern: /(?<![A-Za-z0-9])ATATT3xFfG[\w-]{100,}/,
  }),
  patternRule({
    id: "sourcegraph-token",
    name: "Sourcegraph Access Token",
    keywords: ["sgp_"],
    pattern: /(?<![A-Za-z0-9])sgp_(?:[0-9a-f]{16}_|local_)?[0-9a-f]{40}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "npm-token",
    name: "npm Access Token",
    keywords: ["npm_"],
    pattern: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}/,
    verify: crcVerify(4),
  }),
  patternRule({
    id: "pypi-token",
    name: "PyPI API Token",
    keywords: ["pypi-ageichlwas5vcmc"],
    pattern: /pypi-AgEIcHlwaS5vcmc[\w-]{50,}/,
    confidence: "certain",
  }),
  patternRule({
    id: "rubygems-api-key",
    name: "RubyGems API Key",
    keywords: ["rubygems_"],
    pattern: /(?<![A-Za-z0-9])rubygems_[0-9a-f]{48}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "nuget-api-key",
    name: "NuGet API Key",
    keywords: ["oy2"],
    pattern: /(?<![A-Za-z0-9])oy2[a-z0-9]{43}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "clojars-token",
    name: "Clojars Deploy Token",
    keywords: ["clojars_"],
    pattern: /(?<![A-Za-z0-9])CLOJARS_[a-z0-9]{60}(?![A-Za-z0-9])/i,
  }),
  patternRule({
    id: "cratesio-api-token",
    name: "crates.io API Token",
    keywords: ["cio"],
    pattern: /(?<![A-Za-z0-9])cio[A-Za-z0-9]{32}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "docker-hub-token",
    name: "Docker Hub Access Token",
    keywords: ["dckr_pat_", "dckr_oat_"],
    pattern: /(?<![A-Za-z0-9])dckr_(?:pat|oat)_[\w-]{27,}/,
  }),
  patternRule({
    id: "docker-swarm-token",
    name: "Docker Swarm Join or Unlock Token",
    keywords: ["swmtkn-", "swmkey-"],
    pattern: /(?<![A-Za-z0-9])(?:SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25}|SWMKEY-1-[A-Za-z0-9+/]{43})/,
  }),
  patternRule({
    id: "jfrog-api-key",
    name: "JFrog Artifactory Token",
    keywords: ["akcp", "cmvmdgtuojaxoj"],
    pattern: /(?<![A-Za-z0-9])(?:AKCp[A-Za-z0-9]{69}|cmVmdGtuOjAxOj[A-Za-z0-9]{50,})/,
  }),
  patternRule({
    id: "sonarqube-token",
    name: "SonarQube Token",
    keywords: ["squ_", "sqp_", "sqa_"],
    pattern: /(?<![A-Za-z0-9])sq[uap]_[0-9a-f]{40}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "sonarqube-login",
    name: "SonarQube Token",
    keywords: ["sonar"],
    pattern: /sonar[._]?login['"]?(?:\s*[:=,]\s*|\s+)['"]?(?<s>[0-9a-f]{40})(?![0-9a-f])/di,
  }),
  patternRule({
    id: "codeclimate-reporter-id",
    name: "Code Climate Reporter Token",
    keywords: ["cc_test_reporter_id", "codeclimate_repo_token"],
    pattern: /(?:CC_TEST_REPORTER_ID|CODECLIMATE_REPO_TOKEN)["']?\s*[:=]\s*["']?(?<s>[0-9a-f]{64})/di,
  }),
  patternRule({
    id: "jenkins-crumb",
    name: "Jenkins Crumb",
    keywords: ["jenkins-crumb"],
    pattern: /Jenkins-Crumb["']?\s*:\s*(?<s>[0-9a-f]{32,64})/di,
  }),
  patternRule({
    id: "jenkins-initial-admin-password",
    name: "Jenkins Initial Admin Password",
    keywords: ["initialadminpassword", "following password"],
    pattern: /following password[^\n]{0,60}\n\s*(?<s>[0-9a-f]{32})\s*\n/di,
  }),
  patternRule({
    id: "postman-api-key",
    name: "Postman API Key",
    keywords: ["pmak-", "pmat-"],
    pattern: /(?<![A-Za-z0-9])(?:PMAK-[0-9a-f]{24}-[0-9a-f]{34}|PMAT-[A-Z0-9]{26})(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "sentry-token",
    name: "Sentry Auth Token",
    keywords: ["sntrys_", "sntryu_"],
    pattern: /(?<![A-Za-z0-9])(?:sntrys_eyJ[\w=+/-]{50,}|sntryu_[0-9a-f]{64})/,
  }),
  patternRule({
    id: "teamcity-token",
    name: "TeamCity Access Token",
    keywords: ["eyj0exaioiaivenwmij9"],
    pattern: /eyJ0eXAiOiAiVENWMiJ9\.[\w-]{20,}\.[\w-]{20,}/,
  }),
];
