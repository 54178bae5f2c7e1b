/*
 * Server-sent events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html). JSON.stringify
 * escapes CR and LF, so one `data:` line always carries the whole payload.
 */

export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  // nginx buffers proxied responses by default, which would hold events back until a buffer fills.
  'X-Accel-Buffering': 'no',
});

/** A comment: no event for the client, but traffic that keeps the connection and its idle timers alive. */
export const SSE_HEARTBEAT = ': heartbeat\n\n';

export function sseEvent(event: string, id: number, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
