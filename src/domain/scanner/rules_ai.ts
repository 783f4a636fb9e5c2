/** AI-provider keys: Anthropic, OpenAI, Google AI, Hugging Face, Groq, xAI and the smaller hosts. */
import { isPlaceholderToken } from "./quality.ts";
import { patternRule, type Rule } from "./rule.ts";
import type { Confidence } from "./types.ts";

const certainUnlessPlaceholder = (s: string): Confidence | undefined =>
  isPlaceholderToken(s) ? undefined : "certain";

/** OpenAI keys embed the base64 of `OpenAI` (`T3BlbkFJ`) in their body. */
const openAiVerify = (s: string): Confidence | undefined =>
  isPlaceholderToken(s) ? undefined : s.includes("T3BlbkFJ") ? "certain" : "high";

export const AI_RULES: readonly Rule[] = [
  patternRule({
    id: "anthropic-api-key",
    name: "Anthropic API Key",
    keywords: ["sk-ant-"],
    pattern: /(?<![\w-])sk-ant-(?:api\d\d|sid\d\d|oat\d\d)-[\w-]{32,}/,
    verify: certainUnlessPlaceholder,
  }),
  patternRule({
    id: "anthropic-admin-key",
    name: "Anthropic Admin Key",
    keywords: ["sk-ant-admin"],
    pattern: /(?<![\w-])sk-ant-admin\d\d-[\w-]{32,}/,
    verify: certainUnlessPlaceholder,
  }),
  patternRule({
    id: "openai-project-key",
    name: "OpenAI Project Key",
    keywords: ["sk-proj-"],
    pattern: /(?<![\w-])sk-proj-[\w-]{40,}/,
    verify: openAiVerify,
  }),
  patternRule({
    id: "openai-service-account-key",
    name: "OpenAI Service Account Key",
    keywords: ["sk-svcacct-"],
    pattern: /(?<![\w-])sk-svcacct-[\w-]{40,}/,
    verify: openAiVerify,
  }),
  patternRule({
    id: "openai-admin-key",
    name: "OpenAI Admin Key",
    keywords: ["sk-admin-"],
    pattern: /(?<![\w-])sk-admin-[\w-]{40,}/,
    verify: openAiVerify,
  }),
  patternRule({
    id: "openai-api-key",
    name: "OpenAI API Key",
    keywords: ["t3blbkfj"],
    pattern: /(?<![\w-])sk-(?!proj-|svcacct-|admin-|ant-)[\w-]{16,}T3BlbkFJ[\w-]{16,}/,
    verify: openAiVerify,
  }),
  patternRule({
    id: "openrouter-api-key",
    name: "OpenRouter API Key",
    keywords: ["sk-or-v1-"],
    pattern: /(?<![\w-])sk-or-v1-[0-9a-f]{64}/,
  }),
  patternRule({
    id: "deepseek-api-key",
    name: "DeepSeek API Key",
    keywords: ["sk-"],
    pattern: /(?<![\w-])sk-[0-9a-f]{32}(?![\w-])/,
  }),
  patternRule({
    id: "google-api-key",
    name: "Google API Key",
    keywords: ["aiza"],
    pattern: /(?<![\w-])AIza[\w-]{35}(?![\w-])/,
  }),
  patternRule({
    id: "huggingface-token",
    name: "Hugging Face Token",
    keywords: ["hf_", "api_org_"],
    pattern: /(?<![A-Za-z0-9])(?:hf_|api_org_)[A-Za-z]{34}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "groq-api-key",
    name: "Groq API Key",
    keywords: ["gsk_"],
    pattern: /(?<![A-Za-z0-9])gsk_[A-Za-z0-9]{52}/,
    verify: certainUnlessPlaceholder,
  }),
  patternRule({
    id: "xai-api-key",
    name: "xAI API Key",
    keywords: ["xai-"],
    pattern: /(?<![A-Za-z0-9])xai-[A-Za-z0-9]{70,90}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "replicate-api-token",
    name: "Replicate API Token",
    keywords: ["r8_"],
    pattern: /(?<![A-Za-z0-9])r8_[A-Za-z0-9]{37}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "perplexity-api-key",
    name: "Perplexity API Key",
    keywords: ["pplx-"],
    pattern: /(?<![A-Za-z0-9])pplx-[A-Za-z0-9]{40,56}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "mistral-api-key",
    name: "Mistral API Key",
    keywords: ["mistral"],
    pattern: /mistral[\w-]{0,20}?(?:key|token)["']?\s*[:=]\s*["']?(?<s>[A-Za-z0-9]{32})(?![A-Za-z0-9])/di,
  }),
  patternRule({
    id: "cohere-api-key",
    name: "Cohere API Key",
    keywords: ["cohere"],
    pattern: /cohere[\w-]{0,20}?(?:key|token)["']?\s*[:=]\s*["']?(?<s>[A-Za-z0-9]{40})(?![A-Za-z0-9])/di,
  }),
  patternRule({
    id: "together-api-key",
    name: "Together AI API Key",
    keywords: ["tgp_v1_"],
    pattern: /(?<![A-Za-z0-9])tgp_v1_[\w-]{43}(?![\w-])/,
  }),
  patternRule({
    id: "tavily-api-key",
    name: "Tavily API Key",
    keywords: ["tvly-"],
    pattern: /(?<![A-Za-z0-9])tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}(?![A-Za-z0-9])/,
  }),
  patternRule({
    id: "jina-api-key",
    name: "Jina AI API Key",
    keywords: ["jina_"],
    pattern: /(?<![A-Za-z0-9])jina_[0-9a-f]{32}[\w-]{28}/,
  }),
  patternRule({
    id: "llamacloud-api-key",
    name: "LlamaCloud API Key",
    keywords: ["llx-"],
    pattern: /(?<![A-Za-z0-9])llx-[\w-]{48}(?![\w-])/,
  }),
  patternRule({
    id: "firecrawl-api-key",
    name: "Firecrawl API Key",
    keywords: ["fc-"],
    pattern: /(?<![\w-])fc-[0-9a-f]{32}(?![\w-])/,
  }),
  patternRule({
    id: "langsmith-api-key",
    name: "LangSmith API Key",
    keywords: ["lsv2_"],
    pattern: /(?<![A-Za-z0-9])lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}/,
  }),
  patternRule({
    id: "pinecone-api-key",
    name: "Pinecone API Key",
    keywords: ["pcsk_"],
    pattern: /(?<![A-Za-z0-9])pcsk_[A-Za-z0-9]{5,8}_[\w]{50,70}/,
  }),
];
