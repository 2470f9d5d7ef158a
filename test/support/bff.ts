import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadBffConfig, type BffAppName, type BffConfig } from '../../config/bff-config';
import { buildBffRuntime, type BffRuntime } from '../../core/runtime/build-bff-runtime';
import { createLogger } from '../../lib/http/logger';
import { answerClientError } from '../../lib/http/answer-client-error';
import { createPcApp } from '../../bff-pc/app';
import { createMobileApp } from '../../bff-mobile/app';

export interface RunningBff {
  app: BffAppName;
  url: string;
  config: BffConfig;
  runtime: BffRuntime;
  close(): Promise<void>;
}

/** A port-0 server whose URL is known before the app (and its config) is built. */
export async function reserveServer(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer();
  // As lib/http/serve.ts does in production: a request Node's parser refuses gets a problem document.
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve) => server.listen(0, resolve));
  return { server, url: `http://localhost:${(server.address() as AddressInfo).port}` };
}

/** Unique per test file, so runs on the shared Redis never see each other's sessions. */
export const testPrefix = `test:${randomUUID().slice(0, 8)}:`;

/** A real BFF app on a real port, on real Redis (unless env says otherwise). */
export async function startBff(
  app: BffAppName,
  env: Record<string, string> = {},
  reserved?: { server: http.Server; url: string },
): Promise<RunningBff> {
  const { server, url } = reserved ?? (await reserveServer());
  const config = loadBffConfig(app, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: url.split(':').pop()!,
    PUBLIC_URL: url,
    SESSION_PREFIX: `${testPrefix}${app}:sess:`,
    // Every test system composes from its own services: views never cross systems.
    COMPOSE_CACHE_PREFIX: `${testPrefix}${randomUUID().slice(0, 8)}:${app}:view:`,
    ...env,
  });
  const runtime = await buildBffRuntime(config, createLogger({ name: `test-${app}`, level: config.logLevel }));
  server.on('request', app === 'pc' ? createPcApp(runtime) : createMobileApp(runtime));
  return {
    app,
    url,
    config,
    runtime,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
    },
  };
}

/** The session cookie (`name=value`) a supertest agent holds for `app`. */
export function sessionCookieOf(agent: unknown, app: RunningBff): string {
  const jar = (agent as { jar: { getCookie(name: string, access: object): { value: string } | undefined } }).jar;
  const found = jar.getCookie(app.config.sessionCookieName, { domain: 'localhost', path: '/', secure: false, script: false });
  if (!found) throw new Error(`the agent holds no ${app.config.sessionCookieName} cookie`);
  return `${app.config.sessionCookieName}=${found.value}`;
}

/** The Redis key of the session a cookie (`name=s:<id>.<signature>`) names. */
export function sessionKeyOf(app: RunningBff, cookie: string): string {
  return app.config.sessionPrefix + decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0];
}
