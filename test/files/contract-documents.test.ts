import request from 'supertest';
import { dropTestData } from '../services/support/service-harness';
import { startSystemWithServices, type BffSystem } from '../support/system';
import { KIM, LEE, type Agent } from '../support/login';
import { validContract } from '../support/valid-contract';
import { filesEnv, filesOnDisk, pdf, png } from './support/files-env';

jest.setTimeout(120_000);

function binary(res: unknown, done: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Documents belong to a contract: who may read it reads them, who may change it attaches and deletes. */
describe('documents of a contract (real services, SSO, Redis, disk)', () => {
  const env = filesEnv();
  let sys: BffSystem;
  let close: () => Promise<void>;
  let demo: Agent;
  let no: number;
  beforeAll(async () => {
    ({ sys, close } = await startSystemWithServices({ env }));
    demo = await sys.login(sys.pc);
    const reg = await demo.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: '문서 계약' }) });
    expect(reg.body).toMatchObject({ state: 'END' });
    no = reg.body.saPponContNo;
  });
  afterAll(async () => {
    await close?.();
    await dropTestData();
  });

  const docs = (_agent: Agent, path = '') => `/api/contracts/${no}/documents${path}`;
  const attach = (agent: Agent, content: Buffer, name: string) => agent.post(docs(agent)).set('X-CSRF', '1').attach('file', content, name);

  it('the maker attaches a document; everyone who may read the contract, on either app, lists and downloads it', async () => {
    const content = pdf(50_000);
    const created = await attach(demo, content, '계약서.pdf').expect(201);
    expect(created.body).toMatchObject({ name: '계약서.pdf', size: content.length, contentType: 'application/pdf', contractNo: no, uploadedBy: 'demo' });
    expect(created.headers.location).toBe(`/api/contracts/${no}/documents/${created.body.id}`);
    const lee = await sys.login(sys.mobile, LEE); // a viewer, on the phone
    for (const agent of [demo, lee, await sys.login(sys.pc, KIM)]) {
      expect((await agent.get(docs(agent)).expect(200)).body.items.map((d: { id: string }) => d.id)).toContain(created.body.id);
      const download = await agent.get(docs(agent, `/${created.body.id}`)).buffer(true).parse(binary).expect(200);
      expect(Buffer.compare(download.body, content)).toBe(0);
      expect(download.headers['content-disposition']).toMatch(/^attachment;/);
    }
    // a contract's document is not one of the uploader's own files
    expect((await demo.get('/api/files').expect(200)).body.items.map((f: { id: string }) => f.id)).not.toContain(created.body.id);
    await demo.get(`/api/files/${created.body.id}`).expect(404);
  });

  it('another agent and a viewer may not attach or delete (403, nothing stored); a supervisor may', async () => {
    const before = filesOnDisk(env.FILES_DIR).length;
    const kim = await sys.login(sys.pc, KIM);
    const lee = await sys.login(sys.pc, LEE);
    for (const agent of [kim, lee]) expect((await attach(agent, png(), 'x.png')).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(filesOnDisk(env.FILES_DIR).length).toBe(before);
    const id = (await attach(demo, png(), 'map.png').expect(201)).body.id;
    for (const agent of [kim, lee]) expect((await agent.delete(docs(agent, `/${id}`)).set('X-CSRF', '1')).status).toBe(403);
    const park = await sys.login(sys.pc, { username: 'park', password: 'park1234' });
    await park.delete(docs(park, `/${id}`)).set('X-CSRF', '1').expect(204);
    await demo.get(docs(demo, `/${id}`)).expect(404);
    expect(filesOnDisk(env.FILES_DIR).length).toBe(before);
  });

  it('a document is reached only through its own contract; unknown contracts and bad input are problems', async () => {
    const id = (await attach(demo, png(), 'own.png').expect(201)).body.id;
    const other = (await demo.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: '다른 계약' }) })).body.saPponContNo;
    await demo.get(`/api/contracts/${other}/documents/${id}`).expect(404);
    expect((await demo.get('/api/contracts/99999999/documents').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await demo.post('/api/contracts/99999999/documents').set('X-CSRF', '1').attach('file', png(), 'a.png').expect(404)).body.code).toBe('NOT_FOUND');
    expect((await demo.get('/api/contracts/abc/documents').expect(400)).body.code).toBe('VALIDATION_FAILED');
    expect((await demo.post(docs(demo)).set('X-CSRF', '1').attach('file', Buffer.from('MZ\x90\x00not a document'), 'run.exe').expect(415)).body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await request(sys.pc.url).get(docs(demo)).set('X-CSRF', '1')).status).toBe(401);
    expect((await demo.post(docs(demo)).attach('file', png(), 'a.png')).body.code).toBe('CSRF_REQUIRED');
  });
});
