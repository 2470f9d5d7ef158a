#!/usr/bin/env node
// `npm run dev:web`: Vite's dev servers for both screens (pc :5173, mobile :5174), proxying
// /api, /bff, /legacy and /docs to the BFFs that `npm start` runs on :3000 and :3001.
import { createServer } from 'vite';
import { APPS, viteSettings } from './vite-settings.mjs';

for (const app of Object.keys(APPS)) {
  const server = await createServer(viteSettings(app));
  await server.listen();
  console.log(`web ${app}: http://localhost:${APPS[app].devPort}/ (proxying to ${APPS[app].bff})`);
}
