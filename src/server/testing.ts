/** Helpers for server tests (not shipped in the package). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Model } from "../load-model.js";
import type { Session } from "../models/types.js";

/** A small chat template in the style of Llama 2 chat, for a model that has none. */
export const TEST_CHAT_TEMPLATE =
  "{{ bos_token }}{% for m in messages %}{% if m.role == 'user' %}{{ m.content }}{% elif m.role == 'assistant' %} {{ m.content }}{{ eos_token }}{% else %}{{ m.content }}. {% endif %}{% endfor %}";

/**
 * Copies a GGUF file to `dir` with `tokenizer.chat_template` added. The new key goes first, padded with
 * a second key so the header grows by a multiple of the alignment (32) and every tensor offset holds.
 */
export function ggufWithChatTemplate(source: string, dir: string, template: string): string {
  const bytes = readFileSync(source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keyValue = (key: string, value: string): Buffer => {
    const k = Buffer.from(key);
    const v = Buffer.from(value);
    const out = Buffer.alloc(8 + k.length + 4 + 8 + v.length);
    out.writeBigUInt64LE(BigInt(k.length), 0);
    k.copy(out, 8);
    out.writeUInt32LE(8, 8 + k.length); // type: string
    out.writeBigUInt64LE(BigInt(v.length), 12 + k.length);
    v.copy(out, 20 + k.length);
    return out;
  };
  const entry = keyValue("tokenizer.chat_template", template);
  const padKey = "nextoken.test.padding";
  const bare = keyValue(padKey, "").length + entry.length;
  const padding = keyValue(padKey, " ".repeat((32 - (bare % 32)) % 32));
  const header = Buffer.from(bytes.subarray(0, 24));
  header.writeBigUInt64LE(view.getBigUint64(16, true) + 2n, 16);
  const path = join(dir, "chat-model.gguf");
  writeFileSync(path, Buffer.concat([header, entry, padding, bytes.subarray(24)]));
  return path;
}

/** `model` with every session it hands out counted, so a test can see that all were disposed. */
export function countingSessions(model: Model): { model: Model; live: () => number } {
  let live = 0;
  const wrap = (session: Session): Session => {
    live++;
    let disposed = false;
    return {
      get position() {
        return session.position;
      },
      forward: (tokens, options) => session.forward(tokens, options),
      fork: () => wrap(session.fork()),
      rewind: (position) => session.rewind(position),
      dispose: () => {
        if (!disposed) live--;
        disposed = true;
        session.dispose();
      },
    };
  };
  const counted = Object.create(model) as Model;
  Object.defineProperty(counted, "newSession", { value: () => wrap(model.newSession()) });
  return { model: counted, live: () => live };
}
