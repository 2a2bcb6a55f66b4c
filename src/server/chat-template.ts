// Chat messages → prompt text, through the model's own chat template (Jinja, from tokenizer_config.json
// or GGUF `tokenizer.chat_template`), rendered with @huggingface/jinja the way transformers'
// apply_chat_template does: `messages`, `add_generation_prompt`, `bos_token`, `eos_token` (the library
// provides `raise_exception`; what a template raises becomes a 400). The text is then encoded without adding special tokens (the template writes them).
// A message's content is text: special tokens are parsed only in what the template itself writes, so a
// user who types "<|im_start|>system" cannot forge a turn (see locateContents).
import { randomBytes } from "node:crypto";
import { Template } from "@huggingface/jinja";
import type { TokenId } from "../models/types.js";
import type { Tokenizer } from "../tokenizers/types.js";
import { ApiError, invalidField } from "./errors.js";
import { LIMITS } from "./limits.js";
import { describe, isObject } from "./schema.js";

/** Most messages in one request (limits.ts). */
export const MAX_MESSAGES = LIMITS.messages;

const ROLES = ["system", "developer", "user", "assistant", "tool"];

export interface ChatMessage {
  role: string;
  content: string;
  name?: string;
}

/** Checks `messages` and flattens text content parts into one string per message. */
export function parseMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidField("messages", "must be a non-empty array of { role, content } objects");
  }
  if (value.length > MAX_MESSAGES) throw invalidField("messages", `at most ${MAX_MESSAGES} messages`);
  return value.map((message: unknown, i) => {
    const param = `messages[${i}]`;
    if (!isObject(message)) throw invalidField(param, "must be an object { role, content }");
    const role = message.role;
    if (typeof role !== "string" || !ROLES.includes(role)) {
      throw invalidField(`${param}.role`, `must be one of ${ROLES.join(", ")}, got ${describe(role)}`);
    }
    const out: ChatMessage = { role, content: contentText(message.content, `${param}.content`, role) };
    if (message.name !== undefined) {
      if (typeof message.name !== "string") throw invalidField(`${param}.name`, "must be a string");
      out.name = message.name;
    }
    return out;
  });
}

function contentText(content: unknown, param: string, role: string): string {
  if (typeof content === "string") return content;
  if (content === null || content === undefined) {
    if (role === "assistant") return "";
    throw invalidField(param, "is required");
  }
  if (!Array.isArray(content)) throw invalidField(param, "must be a string or an array of text parts");
  return content
    .map((part: unknown, i) => {
      if (!isObject(part) || part.type !== "text" || typeof part.text !== "string") {
        throw invalidField(
          `${param}[${i}]`,
          'must be { type: "text", text: string } (only text is supported)',
        );
      }
      return part.text;
    })
    .join("");
}

/** How a user gives a model a chat template, said in every no_chat_template error. */
const SUPPLY_TEMPLATE =
  "pass --chat-template FILE (or chatTemplate in the library) with a Jinja chat template";

/** Why `source` is not a Jinja template @huggingface/jinja can parse, or undefined when it is one. */
export function chatTemplateProblem(source: string): string | undefined {
  try {
    new Template(source);
    return undefined;
  } catch (cause) {
    return (cause as Error).message;
  }
}

/** Renders chats with one tokenizer's template; the template is parsed once. */
export class ChatTemplate {
  private readonly template: Template | undefined;
  private readonly problem: string | undefined;

  /** `modelName` (the id clients pass) goes into the errors, so a user knows which model lacks what. */
  constructor(
    private readonly tokenizer: Tokenizer,
    modelName?: string,
  ) {
    const model = modelName === undefined ? "this model" : `the model "${modelName}"`;
    const source = tokenizer.chatTemplate;
    if (source === undefined || source.trim() === "") {
      this.problem =
        `${model} has no chat template (tokenizer_config.json chat_template or GGUF tokenizer.chat_template): ` +
        `${SUPPLY_TEMPLATE}, or use /v1/completions with a plain prompt`;
      return;
    }
    try {
      this.template = new Template(source);
    } catch (cause) {
      this.problem = `${model}'s chat template cannot be parsed (${(cause as Error).message}): ${SUPPLY_TEMPLATE}`;
    }
  }

  /** The prompt text for `messages`, ending with the assistant's turn. */
  render(messages: readonly ChatMessage[]): string {
    if (this.template === undefined)
      throw new ApiError(400, this.problem ?? "", "messages", "no_chat_template");
    const special = (id: TokenId | undefined) => (id === undefined ? "" : this.tokenizer.tokenToString(id));
    try {
      return this.template.render({
        messages,
        add_generation_prompt: true,
        bos_token: special(this.tokenizer.bosTokenId),
        eos_token: special(this.tokenizer.eosTokenIds[0]),
      });
    } catch (cause) {
      throw new ApiError(
        400,
        `the chat template failed on these messages: ${(cause as Error).message}`,
        "messages",
      );
    }
  }

  /**
   * Token ids of the rendered chat: the template's text with special tokens parsed, each message's
   * content as plain text. When the contents cannot be located in the rendered text (a template that
   * rewrites them), a content that holds special-token text is refused with 400
   * `special_token_in_message` rather than risk forging.
   */
  encode(messages: readonly ChatMessage[]): TokenId[] {
    const text = this.render(messages);
    const plainTextRanges = this.locateContents(messages, text);
    if (plainTextRanges === undefined) {
      messages.forEach((message, i) => {
        const parsed = this.tokenizer.encode(message.content, { addSpecialTokens: false });
        const plain = this.tokenizer.encode(message.content, {
          addSpecialTokens: false,
          parseSpecialTokens: false,
        });
        if (parsed.length !== plain.length || parsed.some((id, k) => id !== plain[k])) {
          throw new ApiError(
            400,
            `messages[${i}].content: holds special-token text (such as ${JSON.stringify(this.tokenizer.tokenToString(parsed.find((id) => !plain.includes(id)) ?? parsed[0]))}) and this chat template rewrites contents, so it cannot be kept as plain text; remove it`,
            `messages[${i}].content`,
            "special_token_in_message",
          );
        }
      });
    }
    return this.tokenizer.encode(text, { addSpecialTokens: false, plainTextRanges });
  }

  /**
   * Where each content lands in `text` (the chat rendered): the template is rendered again with a
   * unique random placeholder for each content, and the text between placeholders must then match
   * `text` exactly, each placeholder standing for its content (or the content trimmed, for templates
   * that `| trim`). Undefined when it does not match: the template branches on or rewrites content.
   */
  private locateContents(
    messages: readonly ChatMessage[],
    text: string,
  ): Array<[number, number]> | undefined {
    const tag = randomBytes(8).toString("hex");
    if (text.includes(tag)) return undefined;
    const marked = messages.map((message, i) => ({ ...message, content: `\uE000${tag}:${i}\uE001` }));
    let template: string;
    try {
      template = this.render(marked);
    } catch {
      return undefined;
    }
    const pieces = template.split(new RegExp(`\uE000${tag}:(\\d+)\uE001`));
    // pieces: template text, message index, template text, …, template text
    if (!text.startsWith(pieces[0])) return undefined;
    let position = pieces[0].length;
    const ranges: Array<[number, number]> = [];
    for (let k = 1; k < pieces.length; k += 2) {
      const content = messages[Number(pieces[k])].content;
      const after = pieces[k + 1];
      const last = k + 2 >= pieces.length;
      const fits = (candidate: string): boolean =>
        text.startsWith(candidate, position) &&
        text.startsWith(after, position + candidate.length) &&
        (!last || position + candidate.length + after.length === text.length);
      const found = [content, content.trim(), content.trimEnd(), content.trimStart()].find(fits);
      if (found === undefined) return undefined;
      ranges.push([position, position + found.length]);
      position += found.length + after.length;
    }
    return position === text.length ? ranges : undefined;
  }
}
