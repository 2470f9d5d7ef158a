import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startBff, type RunningBff } from '../support/bff';
import { writeRoutesFile } from './support/legacy-routes-file';
import { rawRequest } from './support/raw-request';
import { loadLegacyRoutes } from '../../core/proxy/load-legacy-routes';

/**
 * The legacy apps behind the routing table are Java on VMs: a servlet container (Tomcat) strips
 * `;parameters` from each segment before it removes dot segments, and a filter in front of it may
 * decode once more. An upstream of our own, on a bare socket, records every request line exactly
 * as it arrives, so each test sees what the Java app would have read.
 */
async function recordingUpstream() {
  const lines: string[] = [];
  const server = net.createServer((socket) => {
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      lines.push(head.slice(0, head.indexOf('\r\n')));
      head = '';
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok');
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines, close: () => new Promise<void>((resolve) => (server.close(() => resolve()), server.unref())) };
}

/** What a Tomcat-fronted app turns into a climb out of the row's prefix, or a second decoding does. */
const HOLES = [
  '..;/..;/echo',
  '..;/echo',
  '.;/echo',
  '..;jsessionid=ABC/echo',
  '.;jsessionid=ABC/echo',
  '%2e%2e;/echo',
  '%2E%2E;x=1/echo',
  '.%2e;/echo',
  ';/echo',
  ';jsessionid=ABC/../echo',
  '..%3b/echo',
  '..%3B/echo',
  '%2e%2e%3b/echo',
  '..%252f..%252fecho',
  '..%252F..%252Fecho',
  '%252e%252e/echo',
  '%252E%252e/echo',
  '%25252e%25252e/echo',
  '%25%32%65%25%32%65/echo',
  '..%255c..%255cecho',
  'echo%2500',
  '%ef%bc%8e%ef%bc%8e/echo',
  '..%ef%bc%8f..%ef%bc%8fecho',
  '%ef%bc%85%32%65/echo',
];
/** Already refused before; kept beside the holes as their siblings. */
const SIBLINGS = ['%c0%ae%c0%ae/echo', '%e0%80%ae%e0%80%ae/echo', '..%c0%af..%c0%afecho', '..%2f..%2fecho', '..%5c..%5cecho', '..\\..\\echo', 'echo%00', '%2e%2e/echo', '%2E%2e/echo'];

describe('paths as a Java upstream reads them: refused before they reach it, on the fast path and through Express', () => {
  let upstream: Awaited<ReturnType<typeof recordingUpstream>>;
  let bff: RunningBff;

  beforeAll(async () => {
    upstream = await recordingUpstream();
    const file = writeRoutesFile([
      { path: '/legacy/notice', target: `${upstream.url}/public`, timeoutMs: 2000, auth: 'public' },
      { path: '/legacy/jsp', target: `${upstream.url}/jsp`, timeoutMs: 2000, auth: 'public', allowPathParameters: true },
    ]);
    bff = await startBff('pc', { LEGACY_ROUTES_FILE: file });
  });
  afterAll(async () => {
    await bff?.close();
    await upstream?.close();
  });

  // The row's own path is served before Express; the same path in capitals only by Express (its router ignores case).
  const both = (rest: string) => [`/legacy/notice/${rest}`, `/LEGACY/NOTICE/${rest}`];

  it.each([...HOLES, ...SIBLINGS])('refuses %s with 400 INVALID_PATH and sends nothing upstream', async (rest) => {
    for (const path of both(rest)) {
      upstream.lines.length = 0;
      const res = await rawRequest(bff.url, path, { headers: { accept: 'application/json' } });
      expect({ path, status: res.status, code: res.json()?.code, upstream: upstream.lines }).toEqual({ path, status: 400, code: 'INVALID_PATH', upstream: [] });
    }
  });

  it('refuses a path parameter on a row that does not allow them, and passes it unchanged where the row does', async () => {
    for (const path of both('page;jsessionid=ABC')) {
      const res = await rawRequest(bff.url, path, { headers: { accept: 'application/json' } });
      expect({ path, status: res.status, code: res.json()?.code }).toEqual({ path, status: 400, code: 'INVALID_PATH' });
    }
    upstream.lines.length = 0;
    const res = await rawRequest(bff.url, '/legacy/jsp/cart/view.do;jsessionid=ABC123?item=1');
    expect(res.status).toBe(200);
    expect(upstream.lines).toEqual(['GET /jsp/cart/view.do;jsessionid=ABC123?item=1 HTTP/1.1']);
    // ...and through Express (the same row in capitals: only Express's router matches it)
    upstream.lines.length = 0;
    const viaExpress = await rawRequest(bff.url, '/LEGACY/JSP/cart/view.do;jsessionid=ABC123');
    expect(viaExpress.status).toBe(200);
    expect(upstream.lines).toEqual(['GET /jsp/cart/view.do;jsessionid=ABC123 HTTP/1.1']);
  });

  it.each(['..;jsessionid=ABC/secret', '.;jsessionid=ABC/secret', '%2e%2e;jsessionid=ABC/secret', 'a/..;/..;/secret', '..%3bjsessionid=x/secret'])('still refuses a parameter that hides a dot segment on a row that allows parameters: %s', async (rest) => {
    for (const path of [`/legacy/jsp/${rest}`, `/LEGACY/JSP/${rest}`]) {
      upstream.lines.length = 0;
      const res = await rawRequest(bff.url, path, { headers: { accept: 'application/json' } });
      expect({ path, status: res.status, code: res.json()?.code, upstream: upstream.lines }).toEqual({ path, status: 400, code: 'INVALID_PATH', upstream: [] });
    }
  });

  it('refuses path parameters on the BFF\'s own paths', async () => {
    for (const path of ['/api/menu;jsessionid=1', '/bff/user;x', '/healthz;a=b']) {
      const res = await rawRequest(bff.url, path, { headers: { accept: 'application/json' } });
      expect({ path, status: res.status, code: res.json()?.code }).toEqual({ path, status: 400, code: 'INVALID_PATH' });
    }
  });

  it('keeps a percent sign that is not an escape, and plain names with dots', async () => {
    upstream.lines.length = 0;
    for (const rest of ['100%25', 'a..b/file.v1.2', '...']) await rawRequest(bff.url, `/legacy/notice/${rest}`);
    expect(upstream.lines).toEqual(['GET /public/100%25 HTTP/1.1', 'GET /public/a..b/file.v1.2 HTTP/1.1', 'GET /public/... HTTP/1.1']);
  });

  it('validates allowPathParameters in the routing table', () => {
    const bad = writeRoutesFile([{ path: '/legacy/x', target: 'http://127.0.0.1:1', timeoutMs: 1000, auth: 'public', allowPathParameters: 'yes' }]);
    expect(() => loadLegacyRoutes(bad, {})).toThrow(/allowPathParameters/);
  });
});
