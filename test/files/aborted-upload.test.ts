import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { startBffSystem, type BffSystem } from '../support/system';
import { loginCookie } from '../proxy/support/login-cookie';
import { filesEnv, filesOnDisk } from './support/files-env';

const MiB = 1024 * 1024;

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const boundary = 'x-boundary-7MA4YWxkTrZu0gW';
const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="half.pdf"\r\ncontent-type: application/pdf\r\n\r\n%PDF-1.7\n`);

describe('an upload that breaks off', () => {
  const env = filesEnv();
  let sys: BffSystem;
  beforeAll(async () => {
    sys = await startBffSystem({ pc: env, mobile: env });
  });
  afterAll(async () => sys?.close());

  it('leaves no partial file on disk and no record when the browser goes away mid-upload', async () => {
    const cookie = await loginCookie(sys, sys.pc);
    const req = http.request(`${sys.pc.url}/api/files`, {
      method: 'POST',
      headers: { cookie, 'x-csrf': '1', 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + 20 * MiB) },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(Buffer.alloc(2 * MiB, 'p'));
    // The upload is being stored...
    await until(() => filesOnDisk(env.FILES_DIR).some((f) => f.endsWith('.part')));
    // ...when the connection drops.
    req.destroy();

    await until(() => filesOnDisk(env.FILES_DIR).length === 0);
    expect(fs.readdirSync(path.join(env.FILES_DIR, '.partial'))).toEqual([]);
    const list = await request(sys.pc.url).get('/api/files').set('Cookie', cookie).expect(200);
    expect(list.body.items).toEqual([]);
  });

  it('answers 400 MALFORMED_BODY and keeps nothing when the multipart body ends without its closing boundary', async () => {
    const cookie = await loginCookie(sys, sys.pc);
    const res = await request(sys.pc.url)
      .post('/api/files')
      .set('Cookie', cookie)
      .set('X-CSRF', '1')
      .set('content-type', `multipart/form-data; boundary=${boundary}`)
      .send(Buffer.concat([head, Buffer.alloc(MiB, 'p')]))
      .expect(400);
    expect(res.body.code).toBe('MALFORMED_BODY');
    expect(filesOnDisk(env.FILES_DIR)).toEqual([]);
  });
});
