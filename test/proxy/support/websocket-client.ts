import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { createFrameReader, encodeFrame, OPCODE } from '../../../sandbox/legacy-app/websocket-frames';

export interface WebsocketClient {
  /** The next text message, or a rejection after `timeoutMs`. */
  next(timeoutMs?: number): Promise<string>;
  send(text: string): void;
  close(): void;
}

export interface RefusedUpgrade {
  status: number;
  body: string;
}

/**
 * A minimal WebSocket client over Node's http (no dependency): resolves once the handshake is
 * answered with 101, rejects with `{ status, body }` when the server refuses it.
 */
export function connectWebsocket(url: string, headers: Record<string, string> = {}): Promise<WebsocketClient> {
  return new Promise((resolve, reject) => {
    const req = http.request(url.replace(/^ws/, 'http'), {
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), ...headers },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode, body })));
    });
    req.on('error', reject);
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      const inbox: string[] = [];
      const waiting: ((text: string) => void)[] = [];
      const read = createFrameReader(({ opcode, payload }) => {
        if (opcode !== OPCODE.text) return;
        const take = waiting.shift();
        if (take) take(payload.toString('utf8'));
        else inbox.push(payload.toString('utf8'));
      });
      if (head.length) read(head);
      socket.on('data', read);
      socket.on('error', () => undefined);
      resolve({
        next: (timeoutMs = 5_000) =>
          inbox.length
            ? Promise.resolve(inbox.shift()!)
            : new Promise((done, fail) => {
                const timer = setTimeout(() => fail(new Error('no message')), timeoutMs);
                waiting.push((text) => (clearTimeout(timer), done(text)));
              }),
        send: (text) => socket.write(encodeFrame(OPCODE.text, Buffer.from(text), true)),
        close: () => socket.destroy(),
      });
    });
    req.end();
  });
}
