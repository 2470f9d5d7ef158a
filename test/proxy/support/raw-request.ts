import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string[]>;
  body: string;
  /** The first value of a header (names lower-case). */
  header(name: string): string | undefined;
  /** The body as JSON, or undefined when it is not JSON. */
  json(): Record<string, unknown> | undefined;
}

export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
}

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString(), 16);
    if (!size) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * One HTTP/1.1 request written byte for byte on a socket: the path goes out exactly as given
 * (no client library normalises `..`, re-encodes `%2e` or refuses a NUL), which is how an attacker
 * sends it. Rejects when the connection is cut without an answer.
 */
export function rawRequest(baseUrl: string, path: string, options: RawOptions = {}): Promise<RawResponse> {
  const { hostname, port, host } = new URL(baseUrl);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { host, connection: 'close', ...(body ? { 'content-length': String(body.length) } : {}), ...options.headers };
  const head = `${options.method ?? 'GET'} ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(options.timeoutMs ?? 15_000, () => socket.destroy(new Error(`no answer to ${path} in time`)));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      let raw = Buffer.concat(chunks);
      // Interim answers (100 Continue) come before the real one: skip them.
      while (/^HTTP\/1\.1 1(0[02-9]|[1-9]\d) /.test(raw.subarray(0, 16).toString('latin1')) && raw.indexOf('\r\n\r\n') > 0) raw = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`connection closed without an answer to ${JSON.stringify(path)}`));
      const [statusLine, ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
      const parsed: Record<string, string[]> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim().toLowerCase();
        (parsed[name] ??= []).push(line.slice(i + 1).trim());
      }
      let rest: Buffer = raw.subarray(split + 4);
      if (parsed['transfer-encoding']?.[0] === 'chunked') rest = dechunk(rest);
      const text = rest.toString('utf8');
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers: parsed,
        body: text,
        header: (name) => parsed[name.toLowerCase()]?.[0],
        json: () => {
          try {
            return JSON.parse(text) as Record<string, unknown>;
          } catch {
            return undefined;
          }
        },
      });
    });
    socket.write(head);
    if (body) socket.write(body);
  });
}
