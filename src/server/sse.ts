// Server-sent events as OpenAI streams them: one `data: {json}` event per chunk, then `data: [DONE]`.
// The body pulls the next chunk only when the socket wants more; a client that goes away cancels the
// body, which aborts generation (the caller's `stop`) and runs `finish` exactly once.
import { toApiError } from "./errors.js";

const encoder = new TextEncoder();

function event(data: string): Uint8Array {
  return encoder.encode(`data: ${data}\n\n`);
}

/**
 * A text/event-stream Response over `chunks`. An error thrown mid-stream is sent as an OpenAI error
 * event (the status line has already gone out) before the stream ends.
 */
export function sseResponse(
  chunks: AsyncIterator<unknown>,
  stop: () => void,
  finish: () => void,
  headers: Record<string, string> = {},
): Response {
  let finished = false;
  const end = () => {
    if (finished) return;
    finished = true;
    finish();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done === true) {
          controller.enqueue(event("[DONE]"));
          controller.close();
          end();
        } else {
          controller.enqueue(event(JSON.stringify(next.value)));
        }
      } catch (error) {
        if (finished) return;
        controller.enqueue(event(JSON.stringify(toApiError(error).body())));
        controller.enqueue(event("[DONE]"));
        controller.close();
        end();
      }
    },
    async cancel() {
      stop();
      try {
        await chunks.return?.();
      } finally {
        end();
      }
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
      ...headers,
    },
  });
}
