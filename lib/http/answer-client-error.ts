import type { Socket } from 'node:net';
import { errorCatalog, type ErrorCode } from '../errors/catalog';
import { PROBLEM_TYPE_BASE } from '../errors/problem-handler';
import { newGlobalNo } from './global-no';

const answered = new WeakSet<Socket>();

/**
 * Node's `clientError`: a request its parser refused (raw non-ASCII or control bytes in the
 * request line, oversized headers, broken framing) never reaches Express. Node's default answer
 * is a bare `400 Bad Request`; this one is a problem document like every other refusal.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  // The parser refuses every further chunk of the request it refused once (each is another
  // clientError): the answer is on its way, and the lingering close below owns the socket.
  if (answered.has(socket)) return;
  if (!socket.writable || (err.code === 'ECONNRESET')) return void socket.destroy();
  answered.add(socket);
  const code: ErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'MALFORMED_REQUEST';
  const { status, title } = errorCatalog[code];
  const globalNo = newGlobalNo();
  const body = JSON.stringify({ type: PROBLEM_TYPE_BASE + code, title, status, code, detail: title, globalNo });
  // A lingering close, as nginx does: the rest of the refused request (headers past the limit, a
  // body) is read and dropped, so the kernel does not answer it with a reset that can destroy our
  // answer before the client reads it; the socket goes when the client closes, or after 2 s.
  socket.resume();
  setTimeout(() => socket.destroy(), 2_000).unref();
  socket.end(
    `HTTP/1.1 ${status} ${code === 'HEADERS_TOO_LARGE' ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/problem+json\r\ncache-control: no-store\r\nconnection: close\r\nx-global-no: ${globalNo}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
