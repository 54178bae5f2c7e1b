import { type Agent, request, type IncomingHttpHeaders } from 'node:http';

/** A request exactly as it goes on the wire: any bytes in the body, repeated headers, no client-side fixing. */
export interface RawRequest {
  method: string;
  /** Path and query string, already percent-encoded (or deliberately not). */
  target: string;
  headers: ReadonlyArray<readonly [string, string]>;
  body: Buffer | null;
  /** Send the body with Transfer-Encoding: chunked instead of Content-Length. */
  chunked: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Percent-encodes the UTF-8 bytes of `text`, leaving only RFC 3986 unreserved characters as they are. */
export function percentEncode(text: string | Uint8Array): string {
  let out = '';
  for (const byte of typeof text === 'string' ? Buffer.from(text, 'utf8') : text) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Sends one request and reads the answer (its first 16 MB). An event stream that opens is not read:
 * its status and headers are all a refusal check needs.
 */
export function sendRaw(url: URL, agent: Agent, req: RawRequest, timeoutMs = 20_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Node sets headers by name case-insensitively: repeats spelt differently are gathered under the first spelling.
    const headers: Record<string, string[]> = {};
    const spelling = new Map<string, string>();
    for (const [name, value] of req.headers) {
      const key = spelling.get(name.toLowerCase()) ?? name;
      spelling.set(name.toLowerCase(), key);
      (headers[key] ??= []).push(value);
    }
    // Framing is set explicitly: Node would otherwise send a GET or DELETE body unframed.
    if (req.body !== null)
      headers[req.chunked ? 'Transfer-Encoding' : 'Content-Length'] = [
        req.chunked ? 'chunked' : String(req.body.length),
      ];
    const outgoing = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.target, agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          done();
          return;
        }
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', done);
        res.on('error', reject);
      },
    );
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    if (req.body !== null && req.chunked) outgoing.write(req.body);
    outgoing.end(req.chunked ? undefined : (req.body ?? undefined));
  });
}
