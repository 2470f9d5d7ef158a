import fs from 'node:fs';
import path from 'node:path';
import { sweepFiles } from '../../core/files/sweep-files';
import { newFileId } from '../../core/files/file-id';
import { useBffSystem } from '../support/system';
import { filesEnv } from './support/files-env';

const HOUR = 60 * 60 * 1000;
const onDisk = (dir: string, id: string) => path.join(dir, id.slice(0, 2), id);

describe('the files sweep finds records without bytes and bytes without a record', () => {
  const env = filesEnv();
  const sys = useBffSystem({ pc: env, mobile: env });

  it('reports both kinds of drift, and with clean removes them; an upload in progress and good files are left alone', async () => {
    const agent = await sys.login(sys.pc);
    const upload = async (name: string) => (await agent.post('/api/files').set('X-CSRF', '1').attach('file', Buffer.from(`notes for ${name}\n`), name).expect(201)).body.id as string;
    const [lost, kept] = [await upload('lost.txt'), await upload('kept.txt')];
    // The bytes of one file vanish (a restored disk, a manual rm): its record now leads nowhere.
    fs.rmSync(onDisk(env.FILES_DIR, lost));
    // Bytes without a record: one left by a crash long ago, one from an upload still in progress.
    const [orphan, inProgress] = [newFileId(), newFileId()];
    for (const id of [orphan, inProgress]) {
      fs.mkdirSync(path.dirname(onDisk(env.FILES_DIR, id)), { recursive: true });
      fs.writeFileSync(onDisk(env.FILES_DIR, id), 'orphaned bytes');
    }
    const old = new Date(Date.now() - 2 * HOUR);
    fs.utimesSync(onDisk(env.FILES_DIR, orphan), old, old);

    const files = sys.pc.runtime.files;
    const report = await sweepFiles(files, { clean: false, graceMs: HOUR });
    expect(report.missingFiles).toContain(lost);
    expect(report.orphanFiles).toContain(orphan);
    expect(report.orphanFiles).not.toContain(inProgress);
    expect(report.missingFiles.concat(report.orphanFiles)).not.toContain(kept);
    expect(report.removed).toEqual({ records: 0, files: 0 });
    // Reporting changed nothing.
    expect(fs.existsSync(onDisk(env.FILES_DIR, orphan))).toBe(true);

    const cleaned = await sweepFiles(files, { clean: true, graceMs: HOUR });
    expect(cleaned.removed.records).toBeGreaterThanOrEqual(1);
    expect(cleaned.removed.files).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(onDisk(env.FILES_DIR, orphan))).toBe(false);
    expect(fs.existsSync(onDisk(env.FILES_DIR, inProgress))).toBe(true);
    const listed = (await agent.get('/api/files').expect(200)).body.items.map((f: { id: string }) => f.id);
    expect(listed).not.toContain(lost);
    expect(listed).toContain(kept);
    expect((await agent.get(`/api/files/${kept}`).expect(200)).text).toBe('notes for kept.txt\n');
    expect(await sweepFiles(files, { clean: false, graceMs: HOUR })).toMatchObject({ missingFiles: [], orphanFiles: [] });
  });
});
