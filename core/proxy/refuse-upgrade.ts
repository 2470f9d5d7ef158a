import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { AppError } from '../../lib/errors/app-error';
import { errorCatalog } from '../../lib/errors/catalog';
import { PROBLEM_TYPE_BASE } from '../../lib/errors/problem-handler';

/** A refused WebSocket handshake still gets a problem document, written on the raw socket. */
export function refuseUpgrade(socket: Socket, err: unknown, globalNo: string): void {
  const error = err instanceof AppError ? err : new AppError('INTERNAL');
  const { title } = errorCatalog[error.code];
  const body = JSON.stringify({ type: PROBLEM_TYPE_BASE + error.code, title, status: error.status, code: error.code, detail: error.detail ?? title, globalNo });
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n` +
      'content-type: application/problem+json\r\ncache-control: no-store\r\nconnection: close\r\n' +
      `x-global-no: ${globalNo}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
