import { startBff } from '../support/bff';
import { KIM } from '../support/login';
import { startBffSystem, type BffSystem } from '../support/system';
import { loginCookie } from '../proxy/support/login-cookie';
import request from 'supertest';
import { filesEnv, filesOnDisk, pdf, png, storageTree } from './support/files-env';

const KOREAN_NAME = '계약서 2024년 3월.pdf';
const MiB = 1024 * 1024;

describe('file upload and download', () => {
  const env = filesEnv();
  let sys: BffSystem;
  beforeAll(async () => {
    sys = await startBffSystem({ pc: env, mobile: env });
  });
  afterAll(async () => sys?.close());

  it('round-trips a file with a Korean name, byte for byte, with a safe download response', async () => {
    const agent = await sys.login(sys.pc);
    const content = pdf(300_000);
    const created = await agent.post('/api/files').set('X-CSRF', '1').attach('file', content, KOREAN_NAME).expect(201);
    expect(created.body).toMatchObject({ name: KOREAN_NAME, size: content.length, contentType: 'application/pdf' });
    expect(created.body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(created.headers.location).toBe(`/api/files/${created.body.id}`);

    const list = await agent.get('/api/files').expect(200);
    expect(list.body.items.map((f: { id: string }) => f.id)).toContain(created.body.id);

    const download = await agent.get(`/api/files/${created.body.id}`).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(download.body, content)).toBe(0);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(KOREAN_NAME)}`);
    expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers['accept-ranges']).toBe('bytes');
  });

  it('answers Range requests with 206 and the asked bytes, and 416 outside the file', async () => {
    const agent = await sys.login(sys.pc);
    const content = pdf(10_000);
    const { body: file } = await agent.post('/api/files').set('X-CSRF', '1').attach('file', content, 'range.pdf').expect(201);
    const middle = await agent.get(`/api/files/${file.id}`).set('Range', 'bytes=100-199').buffer(true).parse(binary).expect(206);
    expect(middle.headers['content-range']).toBe(`bytes 100-199/${content.length}`);
    expect(Buffer.compare(middle.body, content.subarray(100, 200))).toBe(0);
    const tail = await agent.get(`/api/files/${file.id}`).set('Range', 'bytes=-10').buffer(true).parse(binary).expect(206);
    expect(Buffer.compare(tail.body, content.subarray(-10))).toBe(0);
    // A suffix longer than the file is the whole file (RFC 9110 §14.1.2), as a resuming downloader asks it.
    const longer = await agent.get(`/api/files/${file.id}`).set('Range', `bytes=-${content.length + 5000}`).buffer(true).parse(binary).expect(206);
    expect(longer.headers['content-range']).toBe(`bytes 0-${content.length - 1}/${content.length}`);
    expect(Buffer.compare(longer.body, content)).toBe(0);
    await agent.get(`/api/files/${file.id}`).set('Range', 'bytes=-0').expect(416);
    const outside = await agent.get(`/api/files/${file.id}`).set('Range', `bytes=${content.length}-`).expect(416);
    expect(outside.body.code).toBe('RANGE_NOT_SATISFIABLE');
    expect(outside.headers['content-range']).toBe(`bytes */${content.length}`);
  });

  it("refuses files over the app's limit with 413 and keeps nothing (mobile 10 MiB; PC takes the same file)", async () => {
    const mobile = await sys.login(sys.mobile);
    const before = filesOnDisk(env.FILES_DIR).length;
    const justOver = pdf(10 * MiB + 1);
    const refused = await mobile.post('/api/files').set('X-CSRF', '1').attach('file', justOver, 'scan.pdf').expect(413);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', detail: 'Files may be at most 10 MiB' });
    const wayOver = await mobile.post('/api/files').set('X-CSRF', '1').attach('file', pdf(12 * MiB), 'big.pdf').expect(413);
    expect(wayOver.body.code).toBe('PAYLOAD_TOO_LARGE');
    const names = (await mobile.get('/api/files').expect(200)).body.items.map((f: { name: string }) => f.name);
    expect(names).not.toContain('scan.pdf');
    expect(names).not.toContain('big.pdf');
    expect(filesOnDisk(env.FILES_DIR)).toHaveLength(before);

    const pc = await sys.login(sys.pc);
    await pc.post('/api/files').set('X-CSRF', '1').attach('file', justOver, 'scan.pdf').expect(201);
  });

  it('leaves nothing behind, not even an empty folder, from a refused two-file upload or a deleted file', async () => {
    const agent = await sys.login(sys.pc);
    const names = async () => (await agent.get('/api/files').expect(200)).body.items.map((f: { name: string }) => f.name);
    const before = { tree: storageTree(env.FILES_DIR), names: await names() };
    // Five times: each first file lands in a folder of its own id's first two hex digits, most of them new.
    for (let i = 0; i < 5; i++) {
      const refused = await agent.post('/api/files').set('X-CSRF', '1').attach('file', pdf(2000), `first-${i}.pdf`).attach('file', pdf(2000), `second-${i}.pdf`);
      expect([refused.status, refused.type, refused.body.code]).toEqual([400, 'application/problem+json', 'VALIDATION_FAILED']);
    }
    for (let i = 0; i < 5; i++) {
      const { body: file } = await agent.post('/api/files').set('X-CSRF', '1').attach('file', pdf(2000), `gone-${i}.pdf`).expect(201);
      await agent.delete(`/api/files/${file.id}`).set('X-CSRF', '1').expect(204);
    }
    expect({ tree: storageTree(env.FILES_DIR), names: await names() }).toEqual(before);
  });

  it('checks the content, not only the extension or the declared type (415)', async () => {
    const agent = await sys.login(sys.mobile);
    const upload = (content: Buffer, name: string, contentType?: string) =>
      agent.post('/api/files').set('X-CSRF', '1').attach('file', content, contentType ? { filename: name, contentType } : name);
    for (const [content, name, declared] of [
      [png(), 'invoice.pdf', 'application/pdf'],
      [Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), 'readme.txt', 'text/plain'],
      [Buffer.from('<html><script>alert(1)</script></html>'), 'page.html', 'text/html'],
      [pdf(1000), 'contract.exe', 'application/pdf'],
    ] as const) {
      const res = await upload(content, name, declared);
      expect([name, res.status, res.body.code]).toEqual([name, 415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
    const csv = await upload(Buffer.from('계약번호,고객명\n1001,김민지\n'), '고객목록.csv').expect(201);
    expect(csv.body.contentType).toBe('text/csv; charset=utf-8');
    const image = await upload(png(), 'signature.PNG').expect(201);
    expect(image.body.contentType).toBe('image/png');
    const empty = await upload(Buffer.alloc(0), 'empty.txt').expect(400);
    expect(empty.body.code).toBe('VALIDATION_FAILED');
  });

  it("keeps each user's files to that user: another user's file is a 404 to read, list or delete", async () => {
    const demo = await sys.login(sys.pc);
    const kim = await sys.login(sys.pc, KIM);
    const { body: file } = await demo.post('/api/files').set('X-CSRF', '1').attach('file', pdf(2000), 'demo-only.pdf').expect(201);
    expect((await kim.get(`/api/files/${file.id}`).expect(404)).body.code).toBe('NOT_FOUND');
    await kim.get(`/api/files/${file.id}`).set('Range', 'bytes=0-9').expect(404);
    await kim.delete(`/api/files/${file.id}`).set('X-CSRF', '1').expect(404);
    expect((await kim.get('/api/files').expect(200)).body.items.map((f: { id: string }) => f.id)).not.toContain(file.id);
    // An encoded separator never reaches the file routes: the edge refuses the path itself.
    expect((await kim.get('/api/files/..%2F..%2Fetc%2Fpasswd').expect(400)).body.code).toBe('INVALID_PATH');

    await demo.delete(`/api/files/${file.id}`).set('X-CSRF', '1').expect(204);
    await demo.get(`/api/files/${file.id}`).expect(404);
    expect(filesOnDisk(env.FILES_DIR).some((p) => p.endsWith(file.id))).toBe(false);
  });

  it('requires a session, and X-CSRF: 1 to upload or delete', async () => {
    await request(sys.pc.url).get('/api/files').expect(401);
    const agent = await sys.login(sys.pc);
    const res = await agent.post('/api/files').attach('file', pdf(100), 'no-csrf.pdf').expect(401);
    expect(res.body.code).toBe('CSRF_REQUIRED');
    const { body: file } = await agent.post('/api/files').set('X-CSRF', '1').attach('file', pdf(100), 'keep.pdf').expect(201);
    await agent.delete(`/api/files/${file.id}`).expect(401);
    await agent.get(`/api/files/${file.id}`).expect(200);
  });

  it('lets a second instance of the same app (same Redis, same storage) serve and delete the file', async () => {
    const second = await startBff('pc', { ...env, SSO_ISSUER: sys.sso.issuer, SESSION_PREFIX: sys.pc.config.sessionPrefix });
    try {
      const cookie = await loginCookie(sys, sys.pc);
      const content = pdf(50_000);
      const { body: file } = await request(sys.pc.url).post('/api/files').set('Cookie', cookie).set('X-CSRF', '1').attach('file', content, '공유.pdf').expect(201);
      const listed = await request(second.url).get('/api/files').set('Cookie', cookie).expect(200);
      expect(listed.body.items.map((f: { id: string }) => f.id)).toContain(file.id);
      const fromSecond = await request(second.url).get(`/api/files/${file.id}`).set('Cookie', cookie).buffer(true).parse(binary).expect(200);
      expect(Buffer.compare(fromSecond.body, content)).toBe(0);
      await request(second.url).delete(`/api/files/${file.id}`).set('Cookie', cookie).set('X-CSRF', '1').expect(204);
      await request(sys.pc.url).get(`/api/files/${file.id}`).set('Cookie', cookie).expect(404);
    } finally {
      await second.close();
    }
  });
});

function binary(res: unknown, done: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
