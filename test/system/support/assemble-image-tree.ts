import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The stage of docker/Dockerfile that runs (the last one), its lines joined where they continue. */
export function finalStage(dockerfile: string): string {
  const text = dockerfile.replace(/\\\n/g, ' ');
  return text.slice(text.lastIndexOf('\nFROM '));
}

/**
 * The image's file tree without a Docker engine: the final stage's COPY lines of docker/Dockerfile,
 * taken from the repository (the build stages work on a copy of it in /app, after `npm run build`),
 * `node_modules` with the production packages only (the `npm ci --omit=dev` stage, here as a prune
 * of a copy: the same set, no download). Everything belongs to root, as in the image.
 */
export function assembleImageTree(root: string, into: string): void {
  fs.chmodSync(into, 0o755);
  const copies = [...finalStage(fs.readFileSync(path.join(root, 'docker', 'Dockerfile'), 'utf8')).matchAll(/^COPY +(?:--from=(\S+) +)?(.+) +(\S+) *$/gm)];
  if (copies.length === 0) throw new Error('docker/Dockerfile: no COPY in the final stage');
  for (const [, from, list, dest] of copies) {
    const sources = list.trim().split(/ +/);
    for (const source of sources) {
      const relative = from ? path.relative('/app', source) : source;
      const target = sources.length > 1 ? path.join(into, dest, path.basename(relative)) : path.join(into, dest);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.cpSync(path.join(root, relative), target, { recursive: true, verbatimSymlinks: true });
    }
  }
  execFileSync('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: into, stdio: 'pipe' });
}
