import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The project runs on the Node of its own `node` devDependency (docs/toolchain.md): npm puts
 * `node_modules/.bin` first on its scripts' PATH, so every script, jest and whatever they spawn
 * run on it, whatever the machine's own node is.
 */
const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string>; scripts: Record<string, string> };
const pinned = `v${pkg.devDependencies.node}`;
const major = (version: string) => Number(/^v?(\d+)/.exec(version)?.[1]);

describe('the runtime', () => {
  it('this test runs on the pinned Node, which the engines field allows', () => {
    console.log(`jest runs on Node ${process.version} (${process.execPath})`);
    expect(process.version).toBe(pinned);
    expect(pkg.engines.node).toBe(`>=${major(pinned)}`);
    expect(major(process.version)).toBeGreaterThanOrEqual(24);
  });

  it("the image's base and the README's install line name the same Node release", () => {
    const dockerfile = fs.readFileSync(path.join(root, 'docker', 'Dockerfile'), 'utf8');
    const bases = [...dockerfile.matchAll(/^FROM +node:(\S+)/gm)].map(([, tag]) => tag.split('-')[0]);
    expect(bases.length).toBeGreaterThan(0);
    expect(new Set(bases)).toEqual(new Set([pkg.devDependencies.node]));
    // The quick start's quiet install names the same release.
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(`node@${pkg.devDependencies.node}`);
  });

  it('a child spawned with process.execPath and tsx (as the system tests spawn them) runs on it too', () => {
    const version = execFileSync(process.execPath, ['--import', 'tsx', '-e', 'console.log(process.version)'], { cwd: root, encoding: 'utf8' }).trim();
    expect(version).toBe(pinned);
  });

  it("every npm script finds the pinned node first on its PATH, and its command's own bin runs on it", () => {
    const env = execFileSync('npm', ['run', 'env', '--silent'], { cwd: root, encoding: 'utf8' });
    const scriptPath = /^PATH=(.*)$/m.exec(env)?.[1] ?? '';
    const first = (bin: string) => scriptPath.split(':').map((dir) => path.join(dir, bin)).find((file) => fs.existsSync(file));
    expect(first('node')).toBe(path.join(root, 'node_modules', '.bin', 'node'));
    expect(execFileSync(first('node')!, ['--version'], { encoding: 'utf8' }).trim()).toBe(pinned);
    // Each script starts with `node`, `bash` or a package bin; a package bin starts `#!/usr/bin/env node`.
    for (const [name, command] of Object.entries(pkg.scripts)) {
      const bin = command.replace(/^[A-Z_]+=\S+\s+/, '').split(/\s+/)[0];
      if (bin === 'node' || bin === 'bash' || bin === 'npm') continue;
      const file = first(bin);
      expect({ name, bin, found: Boolean(file) }).toEqual({ name, bin, found: true });
      expect({ name, shebang: fs.readFileSync(file!, 'utf8').split('\n')[0] }).toEqual({ name, shebang: '#!/usr/bin/env node' });
    }
  });
});
