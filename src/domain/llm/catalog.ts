import type { ProviderSpec } from "./providers.ts";

/**
 * The embedded default catalog: public list prices in USD per million tokens (input, output,
 * cache read, cache write: Anthropic's 5-minute write rate) and output limits of models whose
 * published prices we could verify when this catalog was written (2026-12). Newer models are
 * routed and priced through the profile (an unpriced model costs 0, e.g. a local one). Profile
 * `providers` override any of it by name (and any model by id); keys come from the vault secret
 * named by `api_key_secret`.
 */
const anthropicModel = (id: string, input: number, output: number, maxOutput: number) => ({
  id,
  maxOutputTokens: maxOutput,
  pricing: { input, output, cacheRead: input / 10, cacheWrite: input * 1.25 },
});
const openAiModel = (id: string, input: number, output: number, cached: number, maxOutput: number) => ({
  id,
  maxOutputTokens: maxOutput,
  pricing: { input, output, cacheRead: cached, cacheWrite: input },
});

export const DEFAULT_CATALOG: readonly ProviderSpec[] = [
  {
    name: "anthropic",
    wire: "anthropic",
    endpoint: "https://api.anthropic.com/v1",
    apiKeySecret: "anthropic",
    timeoutMs: undefined,
    models: [
      anthropicModel("claude-opus-4-7", 5, 25, 128_000),
      anthropicModel("claude-opus-4-6", 5, 25, 128_000),
      anthropicModel("claude-sonnet-4-6", 3, 15, 64_000),
      anthropicModel("claude-haiku-4-5", 1, 5, 64_000),
      anthropicModel("claude-opus-4-5", 5, 25, 64_000),
      anthropicModel("claude-opus-4-1", 15, 75, 32_000),
    ],
  },
  {
    name: "openai",
    wire: "openai-chat",
    endpoint: "https://api.openai.com/v1",
    apiKeySecret: "openai",
    timeoutMs: undefined,
    models: [
      openAiModel("gpt-5", 1.25, 10, 0.125, 128_000),
      openAiModel("gpt-5-mini", 0.25, 2, 0.025, 128_000),
      openAiModel("gpt-5-nano", 0.05, 0.4, 0.005, 128_000),
      openAiModel("gpt-4.1", 2, 8, 0.5, 32_768),
      openAiModel("gpt-4.1-mini", 0.4, 1.6, 0.1, 32_768),
      openAiModel("gpt-4o", 2.5, 10, 1.25, 16_384),
      openAiModel("gpt-4o-mini", 0.15, 0.6, 0.075, 16_384),
    ],
  },
  {
    name: "gemini",
    wire: "gemini",
    endpoint: "https://generativelanguage.googleapis.com/v1beta",
    apiKeySecret: "gemini",
    timeoutMs: undefined,
    models: [
      openAiModel("gemini-2.5-pro", 1.25, 10, 0.125, 65_536),
      openAiModel("gemini-2.5-flash", 0.3, 2.5, 0.03, 65_536),
      openAiModel("gemini-2.5-flash-lite", 0.1, 0.4, 0.01, 65_536),
    ],
  },
];
