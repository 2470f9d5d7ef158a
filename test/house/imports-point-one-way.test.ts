import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../config/project-root';

/**
 * The house's one rule of direction (ARCHITECTURE.md): `bff-*` → `routes` → `core` → `config` →
 * `lib`; the services never import the BFF, the BFF never imports the services. Read from the
 * import lines of every source file, so a new arrow that runs back up fails here, named.
 */
const SOURCE_FOLDERS = ['lib', 'config', 'core', 'routes', 'bff-pc', 'bff-mobile', 'services', 'web', 'scripts', 'sandbox', 'bench'];
const BFF = ['bff-pc', 'bff-mobile', 'routes', 'core'];
const NEVER: Record<string, string[]> = {
  lib: ['config', 'core', 'routes', 'bff-pc', 'bff-mobile', 'services', 'web'],
  config: ['core', 'routes', 'bff-pc', 'bff-mobile', 'services', 'web'],
  core: ['routes', 'bff-pc', 'bff-mobile', 'services', 'web'],
  routes: ['bff-pc', 'bff-mobile', 'services'],
  'bff-pc': ['services'],
  'bff-mobile': ['services'],
  services: ['core', 'routes', 'bff-pc', 'bff-mobile', 'web'],
};

/** Folder loops: none. Two capability folders that import each other are one folder in two places. */
const KNOWN_LOOPS: string[] = [];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(full);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every relative import of every source file, as project paths: `core/auth/x.ts` → `core/session/y`. */
const arrows = SOURCE_FOLDERS.filter((f) => fs.existsSync(path.join(PROJECT_ROOT, f)))
  .flatMap((folder) => sourceFiles(path.join(PROJECT_ROOT, folder)))
  .flatMap((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
    const from = path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
    return specs.map((spec) => ({ from, to: path.relative(PROJECT_ROOT, path.resolve(path.dirname(file), spec)).split(path.sep).join('/') }));
  });
const top = (p: string) => p.split('/')[0];
/** A capability folder: `core/auth`, `services/orchestrator` (a file directly in a top folder stands for itself). */
const folderOf = (p: string) => p.split('/').slice(0, 2).join('/').replace(/\.(ts|tsx|mts)$/, '');

describe('imports point one way', () => {
  test('the source files were read', () => {
    expect(arrows.length).toBeGreaterThan(500);
    expect(arrows.some((a) => a.from.startsWith('services/') && a.to.startsWith('lib/'))).toBe(true);
  });

  test.each(Object.entries(NEVER))('%s imports nothing of the folders above it', (folder, forbidden) => {
    const back = arrows.filter((a) => top(a.from) === folder && forbidden.includes(top(a.to))).map((a) => `${a.from} → ${a.to}`);
    expect(back).toEqual([]);
  });

  test('the BFF and the services meet only over HTTP', () => {
    const crossing = arrows.filter((a) => BFF.includes(top(a.from)) === !BFF.includes(top(a.to)) && [top(a.from), top(a.to)].includes('services')).map((a) => `${a.from} → ${a.to}`);
    expect(crossing).toEqual([]);
  });

  test('no two capability folders import each other, directly or round a loop', () => {
    const graph = new Map<string, Set<string>>();
    for (const a of arrows) {
      const [from, to] = [folderOf(a.from), folderOf(a.to)];
      if (from !== to) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
    const reaches = (start: string, goal: string) => {
      const seen = new Set<string>();
      const stack = [start];
      while (stack.length > 0) {
        const node = stack.pop() as string;
        if (node === goal) return true;
        if (seen.has(node)) continue;
        seen.add(node);
        stack.push(...(graph.get(node) ?? []));
      }
      return false;
    };
    const loops = [...graph.entries()].flatMap(([from, tos]) => [...tos].filter((to) => from < to && reaches(to, from)).map((to) => `${from} ↔ ${to}`));
    expect(loops.sort()).toEqual(KNOWN_LOOPS);
  });
});
