// The one Vite setup of both screens (build and dev server). Vite 8 compiles TSX with its own
// Oxc transform, so no React plugin is needed (see README: "The screens").
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
export const APPS = { pc: { bff: 'http://localhost:3000', devPort: 5173 }, mobile: { bff: 'http://localhost:3001', devPort: 5174 } };

/** @param {'pc' | 'mobile'} app */
export function viteSettings(app) {
  return {
    configFile: false,
    root: path.join(WEB_DIR, app),
    base: '/',
    logLevel: 'warn',
    oxc: { jsx: { runtime: 'automatic' } },
    build: { outDir: path.join(WEB_DIR, 'dist', app), emptyOutDir: true, assetsDir: 'assets', sourcemap: false },
    server: {
      port: APPS[app].devPort,
      strictPort: true,
      proxy: Object.fromEntries(['/api', '/bff', '/legacy', '/docs'].map((p) => [p, { target: APPS[app].bff, changeOrigin: false }])),
    },
  };
}
