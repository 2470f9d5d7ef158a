import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import { answerClientError } from './answer-client-error';

export interface RunningServer {
  server: http.Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Listens (port 0 picks a free port) and resolves once listening; `close` drains keep-alive sockets. */
export function serve(app: RequestListener, port: number, host?: string): Promise<RunningServer> {
  const server = http.createServer(app);
  // Slow-loris guard; keep-alive longer than a typical load balancer's idle timeout.
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  // closeAllConnections() does not reach sockets upgraded to WebSockets: track every socket.
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: actual,
        url: `http://localhost:${actual}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
            setTimeout(() => {
              server.closeAllConnections();
              for (const socket of sockets) socket.destroy();
            }, 2_000).unref();
          }),
      });
    });
  });
}
