import type { Pricing } from "./providers.ts";
import type { Usage } from "./types.ts";

/**
 * Money is integer microdollars. A price in USD per million tokens is exactly microdollars per
 * token, so a call costs Σ tokens × price over its four components; the sum is computed exactly
 * (prices scaled to 10⁻⁹ as integers) and rounded half-up once, at the end.
 */
const SCALE = 1_000_000_000n;

/** Prices come from the catalog and the profile (a handful of values): each is scaled once, not per call. */
const scaledPrices = new Map<number, bigint>();

function scaled(price: number): bigint {
  let exact = scaledPrices.get(price);
  if (exact === undefined) {
    exact = BigInt(price.toFixed(9).replace(".", ""));
    scaledPrices.set(price, exact);
  }
  return exact;
}

export function costMicros(usage: Usage, pricing: Pricing | undefined): number {
  if (!pricing) return 0;
  const total = BigInt(usage.input_tokens) * scaled(pricing.input) +
    BigInt(usage.output_tokens) * scaled(pricing.output) +
    BigInt(usage.cache_read_input_tokens) * scaled(pricing.cacheRead) +
    BigInt(usage.cache_creation_input_tokens) * scaled(pricing.cacheWrite);
  return Number((total + SCALE / 2n) / SCALE);
}

/** Input estimated as characters ÷ 4 (rounded up), output as the whole `max_tokens`. */
export function estimateMicros(promptChars: number, maxTokens: number, pricing: Pricing | undefined): number {
  return costMicros({
    input_tokens: Math.ceil(promptChars / 4),
    output_tokens: maxTokens,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
  }, pricing);
}

/** `$1.234567` for deny texts. */
export function formatUsd(micros: number): string {
  const sign = micros < 0 ? "-" : "";
  const abs = Math.abs(micros);
  return `${sign}$${Math.floor(abs / 1e6)}.${String(abs % 1e6).padStart(6, "0")}`;
}
