import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RequestListener, ServerResponse } from 'node:http';
import { answerClientError } from './answer-client-error';

export interface RunningServer {
  server: http.Server;
  port: number;
  url: string;
  /**
   * Stops accepting, lets every request in flight finish (keep-alive connections are closed as
   * their response ends, server-sent event streams are ended with a `reconnect` event), and cuts
   * what is still open after `graceMs`.
   */
  close(graceMs?: number): Promise<void>;
}

/** What a browser's EventSource waits before reconnecting to a stream ended by a drain. */
const SSE_RECONNECT_MS = 250;
/** Known by its content type, set with setHeader (as Express's `res.set` does) before the first write. */
const isEventStream = (res: ServerResponse) => res.headersSent && String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');

/** Listens (port 0 picks a free port) and resolves once listening; `close` drains. */
export function serve(app: RequestListener, port: number, host?: string): Promise<RunningServer> {
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  const server = http.createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // Draining: this answer is the connection's last, so the client's next request opens a new
    // connection (to another instance) instead of finding this one closed under it.
    if (closing) res.shouldKeepAlive = false;
    app(req, res);
  });
  // Slow-loris guard; keep-alive longer than a typical load balancer's idle timeout.
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  // closeAllConnections() does not reach sockets upgraded to WebSockets: track every socket.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const close = (graceMs = 2_000) =>
    new Promise<void>((done) => {
      closing = true;
      const started = Date.now();
      server.close();
      for (const res of inFlight) {
        if (!res.headersSent) res.shouldKeepAlive = false;
        if (!isEventStream(res) || res.writableEnded) continue;
        // No `id:`: the browser keeps the last id it has and resumes after it (Last-Event-ID).
        res.write(`retry: ${SSE_RECONNECT_MS}\nevent: reconnect\ndata: {}\n\n`);
        res.end();
      }
      const check = () => {
        // A keep-alive connection whose last answer ended is idle now: close it.
        server.closeIdleConnections();
        if (sockets.size === 0) return done();
        if (Date.now() - started >= graceMs) {
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
          return done();
        }
        setTimeout(check, 25).unref();
      };
      check();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = (server.address() as AddressInfo).port;
      resolve({ server, port: actual, url: `http://localhost:${actual}`, close });
    });
  });
}
