/**
 * The gateway's vocabulary. The canonical request, message and stream events are the Anthropic
 * Messages shapes (the richest of the three wires); every dialect translates to and from them.
 */
export type Dialect = "anthropic" | "openai" | "gemini";
export type Wire = "anthropic" | "openai-chat" | "gemini";

export interface TextBlock {
  readonly type: "text";
  readonly text: string;
}

export type ImageSource =
  | { readonly type: "base64"; readonly media_type: string; readonly data: string }
  | { readonly type: "url"; readonly url: string };

export interface ImageBlock {
  readonly type: "image";
  readonly source: ImageSource;
}

export interface ToolUseBlock {
  readonly type: "tool_use";
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

export interface ToolResultBlock {
  readonly type: "tool_result";
  readonly tool_use_id: string;
  readonly content: string | readonly (TextBlock | ImageBlock)[];
  readonly is_error?: boolean;
}

export interface ThinkingBlock {
  readonly type: "thinking";
  readonly thinking: string;
  readonly signature: string;
}

export interface RedactedThinkingBlock {
  readonly type: "redacted_thinking";
  readonly data: string;
}

export type Block =
  | TextBlock
  | ImageBlock
  | ToolUseBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock;

export interface ChatMessage {
  readonly role: "user" | "assistant";
  readonly content: string | readonly Block[];
}

export interface ToolSpec {
  readonly name: string;
  readonly description?: string;
  readonly input_schema: Readonly<Record<string, unknown>>;
}

export type ToolChoice =
  | { readonly type: "auto" | "any" | "none" }
  | { readonly type: "tool"; readonly name: string };

export interface LlmRequest {
  readonly model: string;
  /** Absent when an OpenAI or Gemini caller left it out (an Anthropic upstream needs one). */
  readonly max_tokens?: number;
  readonly system?: string | readonly TextBlock[];
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolSpec[];
  readonly tool_choice?: ToolChoice;
  readonly stop_sequences?: readonly string[];
  readonly temperature?: number;
  readonly top_p?: number;
  readonly top_k?: number;
  readonly stream?: boolean;
}

export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal";

export interface Usage {
  /** Uncached input tokens (Anthropic's meaning: cache reads and writes are counted apart). */
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_input_tokens: number;
  readonly cache_creation_input_tokens: number;
}

export interface LlmMessage {
  readonly id: string;
  readonly type: "message";
  readonly role: "assistant";
  readonly model: string;
  readonly content: readonly Block[];
  readonly stop_reason: StopReason | null;
  readonly stop_sequence: string | null;
  readonly usage: Usage;
}

export type BlockDelta =
  | { readonly type: "text_delta"; readonly text: string }
  | { readonly type: "input_json_delta"; readonly partial_json: string }
  | { readonly type: "thinking_delta"; readonly thinking: string }
  | { readonly type: "signature_delta"; readonly signature: string };

export type StreamEvent =
  | { readonly type: "message_start"; readonly message: LlmMessage }
  | { readonly type: "content_block_start"; readonly index: number; readonly content_block: Block }
  | { readonly type: "content_block_delta"; readonly index: number; readonly delta: BlockDelta }
  | { readonly type: "content_block_stop"; readonly index: number }
  | {
    readonly type: "message_delta";
    readonly delta: { readonly stop_reason: StopReason | null; readonly stop_sequence: string | null };
    readonly usage: Partial<Usage> & { readonly output_tokens: number };
  }
  | { readonly type: "message_stop" }
  | { readonly type: "ping" }
  | { readonly type: "error"; readonly error: { readonly type: string; readonly message: string } };

export const ZERO_USAGE: Usage = {
  input_tokens: 0,
  output_tokens: 0,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
};
