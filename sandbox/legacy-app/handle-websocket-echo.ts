import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { acceptKeyOf, createFrameReader, encodeFrame, OPCODE } from './websocket-frames';

/**
 * `/ws/echo`: first sends `{ type: "hello", path, headers }` (what the handshake carried, so
 * tests can see what the BFF forwarded), then echoes every text or binary message.
 */
export function handleWebsocketEcho(req: IncomingMessage, socket: Socket, head: Buffer): void {
  const key = req.headers['sec-websocket-key'];
  if (!req.url?.startsWith('/ws/echo') || req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  socket.on('error', () => socket.destroy());
  // The server's sockets allow half-open connections: close our side when the peer closes its.
  socket.on('end', () => socket.end());
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${acceptKeyOf(key)}\r\nset-cookie: LEGACY_WS=ws-session; Path=/; HttpOnly\r\n\r\n`);
  const send = (opcode: number, payload: Buffer) => socket.write(encodeFrame(opcode, payload, false));
  send(OPCODE.text, Buffer.from(JSON.stringify({ type: 'hello', path: req.url, headers: req.headers })));
  const read = createFrameReader(({ opcode, payload }) => {
    if (opcode === OPCODE.text || opcode === OPCODE.binary) send(opcode, payload);
    else if (opcode === OPCODE.ping) send(OPCODE.pong, payload);
    else if (opcode === OPCODE.close) socket.end(encodeFrame(OPCODE.close, payload, false));
  });
  if (head.length) read(head);
  socket.on('data', read);
}
