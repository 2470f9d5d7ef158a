import zlib from 'node:zlib';
import type { Random } from './random';

export interface FuzzTarget {
  name: string;
  url: string;
  /** Route templates: `{n}` a contract number, `{g}` a globalNo, `{id}` a file id. */
  routes: readonly string[];
  /** JSON envelopes this target reads (`pponContPayload`, `contract`, …). */
  envelopes: readonly string[];
  /** Session cookie to send sometimes (BFF apps). */
  cookie?: string;
  /**
   * Real `Authorization: Bearer …` values to send sometimes (the services): without one a service
   * answers 401 before it reads anything, so only authenticated requests reach its parsers and routes.
   */
  bearers?: readonly string[];
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'];

/** Strings no field should accept, and strings that stress parsers. */
const HOSTILE_STRINGS = [
  'a\u0000b',
  'line\r\nX-Injected: 1',
  'evil\u202efdp.exe',
  '\u2066isolate\u2069',
  'x'.repeat(201),
  'x'.repeat(70_000),
  '\ud800',
  '<script>alert(1)</script>\u0007',
  '${jndi:ldap://x}\u0000',
  '\t',
];

const NUMBERS = ['0', '-1', '1e308', '99999999999999999999', 'NaN', '1.5', '0x10', '', '+1', ' 1', '%31', '1;', '2147483648'];

const PATH_NOISE = ['%ff', '%zz', '%', '..', '%2e%2e', '..%2f', '..%5c', '%00', '%c0%ae', '//', '/./', '%252e%252e', 'a'.repeat(3000), '%ED%95%9C', '~', ';jsessionid=1', '%0d%0aSet-Cookie:x=1', '*', '%u002e'];

const QUERY_NOISE = ['page=-1', 'size=1e9', 'q=%00', 'q=%ff', 'page[]=1&page[]=2', 'includeDeleted=maybe', 'returnTo=//evil.example', 'returnTo=https://evil.example/x', 'contr=%e2%80%ae', 'a=' + 'b'.repeat(4000), '__proto__[x]=1', 'size=0', 'q=' + '가'.repeat(300), 'ms=100'];

const CONTENT_TYPES = ['application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=ebcdic', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=zz', 'multipart/form-data', 'application/xml', 'application/merge-patch+json', '', 'garbage', 'application/json;;;'];

const ENCODINGS = ['gzip', 'deflate', 'br', 'compress', 'identity', 'x-unknown', 'gzip, gzip', 'GZIP', ''];

const HEADERS: [string, () => string][] = [
  ['x-global-no', () => 'evil value\u00ff'],
  ['x-global-no', () => 'GNO-fuzz-000000001'],
  ['x-original-url', () => '/legacy/app/billing'],
  ['x-rewrite-url', () => '/legacy/app/billing'],
  ['x-forwarded-for', () => '6.6.6.6, 7.7.7.7'],
  ['x-forwarded-host', () => 'evil.example'],
  ['x-forwarded-proto', () => 'gopher'],
  ['range', () => 'bytes=5-1,0-0,-0'],
  ['range', () => 'bytes=999999999999-'],
  ['origin', () => 'https://evil.example'],
  ['sec-fetch-mode', () => 'navigate'],
  ['accept', () => 'text/html'],
  ['accept', () => 'text/event-stream'],
  ['idempotency-key', () => 'k'.repeat(300)],
  ['if-none-match', () => '*'],
  ['expect', () => '100-continue'],
  ['upgrade', () => 'h2c'],
  ['authorization', () => 'Bearer x.y.z'],
  ['cookie', () => 'bff.pc.sid=s%3Aforged.sig; bff.mobile.sid=%ff'],
];

/** A JSON value that no route may accept as a valid write: every envelope carries a poisoned field. */
function poisonedJson(r: Random, envelopes: readonly string[]): unknown {
  const field = r.pick(['contr', 'payr', 'svcNo', 'admrInfo', 'mkerId', 'mkerNm', 'amdrId', 'saPponContNo', 'saInetaplcaContNo', 'compensateYn', 'mode', 'drill']);
  const bad = r.pick<unknown>([...HOSTILE_STRINGS, -1, 1.5, 1e308, null, true, [], {}, { $gt: '' }, Number.MAX_SAFE_INTEGER + 2]);
  const inner: Record<string, unknown> = { contr: r.pick(HOSTILE_STRINGS), [field]: bad };
  const shapes: unknown[] = [
    { [r.pick(envelopes)]: inner },
    { [r.pick(envelopes)]: inner, contract: inner, mode: r.pick(['api', 'event', 'x']) },
    inner,
    [inner],
    r.pick(HOSTILE_STRINGS),
    JSON.parse('{"a":' + '['.repeat(200) + ']'.repeat(200) + '}'),
    Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i])),
  ];
  return r.pick(shapes);
}

function bodyOf(r: Random, target: FuzzTarget, contentType: string): Buffer {
  const kind = r.int(6);
  if (kind === 0) return Buffer.from(r.pick(['{"__proto__":{"polluted":true},"contract":{"contr":"\\u0000"}}', '{', '{"a":', 'null', '[]', '"x"', '{"a":1}{"b":2}', '\u0000\u0001', 'logout_token=abc', 'a=1&'.repeat(1200)]));
  if (kind === 1) return Buffer.from(Array.from({ length: r.int(3000) }, () => r.int(256)));
  if (kind === 2 && contentType.startsWith('multipart')) return Buffer.from('--zz\r\nContent-Disposition: form-data; name="file"; filename="../../x\u0000.pdf"\r\n\r\n%PDF-1.7\n<script>\r\n--zz');
  if (kind === 3) return Buffer.from(Array.from({ length: 1100 }, (_, i) => `f${i}=${escape(r.pick(HOSTILE_STRINGS).slice(0, 20))}`).join('&'));
  return Buffer.from(JSON.stringify(poisonedJson(r, target.envelopes)));
}

function pathOf(r: Random, template: string): string {
  let path = template
    .replace('{n}', r.pick(NUMBERS.concat(['1', '2', '42'])))
    .replace('{g}', r.pick(['GNO-fuzz-00000001', 'a'.repeat(101), '가나다라마바사아', 'short', '%ff', 'x'.repeat(65)]))
    .replace('{id}', r.pick(['0123456789abcdef0123456789abcdef', 'f'.repeat(300), '..%2fpasswd', 'not-an-id']));
  if (r.chance(0.45)) {
    const segments = path.split('/');
    const at = 1 + r.int(Math.max(1, segments.length - 1));
    segments.splice(at, r.chance(0.5) ? 0 : 1, r.pick(PATH_NOISE));
    path = segments.join('/');
  }
  if (r.chance(0.35)) path += `?${r.pick(QUERY_NOISE)}${r.chance(0.3) ? `&${r.pick(QUERY_NOISE)}` : ''}`;
  return path;
}

/** One hostile request for the target: method, path, headers, body and encoding all drawn from the seed. */
export function hostileRequest(r: Random, target: FuzzTarget): FuzzRequest {
  const method = r.pick(METHODS);
  const template = r.pick(target.routes);
  const path = pathOf(r, template);
  const headers: Record<string, string> = {};
  if (target.cookie && r.chance(0.6) && !template.startsWith('/bff/logout')) headers.cookie = target.cookie;
  if (target.bearers?.length && r.chance(0.7)) headers.authorization = r.pick(target.bearers);
  if (r.chance(0.6)) headers['x-csrf'] = r.pick(['1', '1', '0', 'true']);
  for (let i = r.int(3); i > 0; i--) {
    const [name, value] = r.pick(HEADERS);
    if (name === 'cookie' && headers.cookie) continue;
    if (name === 'authorization' && headers.authorization) continue;
    headers[name] = value();
  }
  let body: Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD' && r.chance(0.85)) {
    const type = r.pick(CONTENT_TYPES);
    if (type) headers['content-type'] = type;
    body = bodyOf(r, target, type);
    if (r.chance(0.3)) {
      const encoding = r.pick(ENCODINGS);
      if (encoding) headers['content-encoding'] = encoding;
      // Half of the time the encoding is true (a real gzip of a hostile body), half a lie.
      if (encoding.toLowerCase() === 'gzip' && r.chance(0.5)) body = zlib.gzipSync(body);
      if (encoding === 'deflate' && r.chance(0.5)) body = zlib.deflateSync(body);
      if (encoding === 'br' && r.chance(0.5)) body = zlib.brotliCompressSync(body);
    }
  }
  return { method, path, headers, body };
}
