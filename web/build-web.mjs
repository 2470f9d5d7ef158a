#!/usr/bin/env node
// `npm run build:web`: builds both screens into web/dist/<app> (never committed). With
// `--if-stale` it builds only when web/dist is missing or older than a source file or the
// lockfile — what `npm start` and the browser tests run first.
import fs from 'node:fs';
import path from 'node:path';
import { APPS, WEB_DIR, viteSettings } from './vite-settings.mjs';

const STAMP = path.join(WEB_DIR, 'dist', '.built');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

export function isStale() {
  if (!fs.existsSync(STAMP)) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  const lock = path.join(WEB_DIR, '..', 'package-lock.json');
  return newestSource(WEB_DIR) > built || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > built);
}

export async function buildWeb({ ifStale = false } = {}) {
  if (ifStale && !isStale()) return false;
  // A built app is always production React: jest runs this with NODE_ENV=test, and Vite would
  // otherwise bundle React's development build (twice the size, slower).
  process.env.NODE_ENV = 'production';
  const { build } = await import('vite');
  const started = Date.now();
  for (const app of Object.keys(APPS)) await build(viteSettings(app));
  fs.writeFileSync(STAMP, new Date().toISOString());
  console.log(`web: built ${Object.keys(APPS).join(' and ')} screens into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(WEB_DIR, 'build-web.mjs')) {
  buildWeb({ ifStale: process.argv.includes('--if-stale') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
