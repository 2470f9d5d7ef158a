import request from 'supertest';
import { reserveServer, startBff, type RunningBff } from './bff';
import { startDevSso, type DevSso } from './dev-sso';
import { DEMO, loginVia, type Agent } from './login';

export interface BffSystem {
  sso: DevSso;
  pc: RunningBff;
  mobile: RunningBff;
  /** Logs in on the given app with a fresh browser (new SSO cookie jar unless one is given). */
  login(app: RunningBff, who?: { username: string; password: string }, ssoAgent?: Agent): Promise<Agent>;
  close(): Promise<void>;
}

/** The dev SSO and both BFF apps, wired to each other, on real Redis. */
export async function startBffSystem(
  env: {
    pc?: Record<string, string>;
    mobile?: Record<string, string>;
    /** Settings of the dev SSO process (e.g. SSO_ACCESS_TOKEN_TTL). */
    sso?: Record<string, string>;
    /** Runs once the SSO is up and before the apps are built (start the services that must trust it; fill `pc`/`mobile`). */
    beforeApps?: (sso: DevSso) => Promise<void>;
    /** Another system's running SSO (this system's apps are registered at it): services that trust it keep working. */
    sharedSso?: DevSso;
  } = {},
): Promise<BffSystem> {
  const [pcServer, mobileServer] = await Promise.all([reserveServer(), reserveServer()]);
  const shared = env.sharedSso;
  const sso = shared ?? (await startDevSso([{ app: 'pc', url: pcServer.url }, { app: 'mobile', url: mobileServer.url }], env.sso));
  const clientOf = async (url: string): Promise<Record<string, string>> => {
    if (!shared) return {};
    const { clientId, clientSecret } = await shared.registerBff(url);
    return { SSO_CLIENT_ID: clientId, SSO_CLIENT_SECRET: clientSecret };
  };
  await env.beforeApps?.(sso);
  const pc = await startBff('pc', { SSO_ISSUER: sso.issuer, ...(await clientOf(pcServer.url)), ...env.pc }, pcServer);
  const mobile = await startBff('mobile', { SSO_ISSUER: sso.issuer, ...(await clientOf(mobileServer.url)), ...env.mobile }, mobileServer);
  return {
    sso,
    pc,
    mobile,
    login: async (app, who = DEMO, ssoAgent = request.agent(sso.issuer)) => (await loginVia(app.url, ssoAgent, sso.issuer, who)).bff,
    close: async () => {
      await Promise.all([pc.close(), mobile.close()]);
      if (!shared) await sso.stop();
    },
  };
}

/** The session cookie (name=value) an agent holds for a BFF. */
export function sessionCookieOf(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const cookies = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((c) => c.startsWith(`${name}=`));
}

/**
 * One system for a whole describe block: started before its tests, closed after them. The value
 * returned stands for the running system (each property is read from it when used).
 */
export function useBffSystem(env?: Parameters<typeof startBffSystem>[0]): BffSystem {
  let live: BffSystem | undefined;
  beforeAll(async () => {
    live = await startBffSystem(env);
  });
  afterAll(async () => live?.close());
  return new Proxy({} as BffSystem, {
    get: (_target, key: keyof BffSystem) => {
      if (!live) throw new Error('the BFF system is not started yet (use it inside a test)');
      return live[key];
    },
  });
}
