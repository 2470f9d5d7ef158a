import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const importsOf = (dir: string) =>
  fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...fs.readFileSync(path.join(ROOT, dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => ({ file: `${dir}/${f}`, target: path.join(dir, m[1]) })));

describe('core/auth and core/session depend one way (auth → session)', () => {
  it('no file of core/session imports core/auth', () => {
    const back = importsOf('core/session').filter((i) => i.target.startsWith('core/auth'));
    expect(back).toEqual([]);
  });
  it('each /bff endpoint family is a file of its own under routes/auth', () => {
    expect(fs.existsSync(path.join(ROOT, 'routes', 'auth-routes.ts'))).toBe(false);
    for (const f of ['login', 'callback', 'user', 'logout', 'backchannel-logout', 'sessions', 'diagnostics']) expect(fs.existsSync(path.join(ROOT, 'routes', 'auth', `${f}.ts`))).toBe(true);
  });
});
