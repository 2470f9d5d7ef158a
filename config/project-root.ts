import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder holding the project's package.json, found by walking up from this file: the same
 * answer from the sources (`config/`) and from the compiled build (`dist/config/`), so data files
 * (menus, routing tables, `data/`) are read from the project, never copied into `dist/`.
 */
function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..');
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
