// The crowd's load generator: one plain HTTP/1.1 request per person on a connection of its own (as
// 5,000 browsers in 5,000 offices arrive), written in one piece and read until the server closes.
//
// Why not fetch(): undici spent ~6 s of CPU to send 5,000 requests and read their answers, on the same
// two cores as the server it measures (more than the server's own ~3 s), so the crowd's "last answer"
// measured the load generator as much as the app. This client costs ~1 s for the same crowd; what the
// server receives is the same (a POST with its JSON body and the person's X-Forwarded-For).
import net from 'node:net';

export interface RawAnswer {
  status: number;
  body: string;
}

function decodeChunked(text: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const eol = text.indexOf('\r\n', at);
    if (eol < 0) return out;
    const size = parseInt(text.slice(at, eol), 16);
    if (!size) return out;
    out += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/** POSTs `json` to `base + path` on a new connection; resolves with the status and the body text. */
export function postJson(base: string, path: string, json: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const url = new URL(base);
  const lines = [
    `POST ${path} HTTP/1.1`,
    `host: ${url.host}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(json)}`,
    'connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  const request = `${lines.join('\r\n')}\r\n\r\n${json}`;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(request));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]);
      if (split < 0 || !status) return reject(new Error(`no complete HTTP answer (${text.length} bytes)`));
      const head = text.slice(0, split).toLowerCase();
      const raw = text.slice(split + 4);
      resolve({ status, body: /\r\ntransfer-encoding: chunked/.test(head) ? decodeChunked(raw) : raw });
    });
  });
}
