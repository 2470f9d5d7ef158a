import request from 'supertest';
import { reserveServer, startBff, type RunningBff } from './bff';
import { startDevSso, type DevSso } from './dev-sso';
import { DEMO, loginVia, type Agent } from './login';
import type { Sso, SsoBrowser, SsoProvider } from './sso-provider';
import { noticeChannel, startThreeServices, viewTestEnv, type ServiceSetOptions, type ThreeServices } from '../services/support/service-harness';
import { loadContractViewConfig } from '../../config/contract-view-config';
import { startContractView, type RunningContractView } from '../../services/contract-view/run-contract-view';

export interface BffSystem {
  /** The dev SSO process (systems started without a provider, or with the dev SSO's). */
  sso: DevSso;
  /** The provider the apps use, as the provider-neutral suites see it (systems started with `provider`). */
  idp: Sso;
  pc: RunningBff;
  mobile: RunningBff;
  /** Logs in on the given app with a fresh browser (new SSO cookie jar unless one is given). */
  login(app: RunningBff, who?: { username: string; password: string }, ssoAgent?: Agent): Promise<Agent>;
  /** The same through the provider's browser (systems started with `provider`). */
  loginAt(app: RunningBff, who?: { username: string; password: string }, options?: { browser?: SsoBrowser; returnTo?: string; query?: string; bffAgent?: Agent }): Promise<{ bff: Agent; callback: request.Response; start: request.Response }>;
  close(): Promise<void>;
}

/**
 * The BFF's authorization-code login the way a browser does it, on any provider: BFF /bff/login →
 * the provider's pages → BFF callback. Returns the BFF agent (now logged in) and both BFF answers.
 */
export async function loginThrough(
  sso: Sso,
  bffUrl: string,
  credentials: { username: string; password: string },
  options: { browser?: SsoBrowser; returnTo?: string; query?: string; bffAgent?: Agent } = {},
) {
  const bff = options.bffAgent ?? request.agent(bffUrl);
  const query = options.query ?? (options.returnTo ? `returnTo=${encodeURIComponent(options.returnTo)}` : '');
  const start = await bff.get(`/bff/login${query ? `?${query}` : ''}`);
  if (start.status !== 302) throw new Error(`login did not redirect: ${start.status} ${start.text}`);
  const back = new URL(await sso.authorize(options.browser ?? sso.browser(), new URL(start.headers.location, bffUrl).toString(), credentials, bffUrl));
  if (back.origin !== new URL(bffUrl).origin) throw new Error(`the SSO sent the browser to ${back} instead of the BFF`);
  const callback = await bff.get(back.pathname + back.search);
  return { bff, callback, start };
}

/** The dev SSO and both BFF apps, wired to each other, on real Redis. */
export async function startBffSystem(
  env: {
    pc?: Record<string, string>;
    mobile?: Record<string, string>;
    /** Settings of the dev SSO process (e.g. SSO_ACCESS_TOKEN_TTL). */
    sso?: Record<string, string>;
    /** Runs once the SSO is up and before the apps are built (start the services that must trust it; fill `pc`/`mobile`). */
    beforeApps?: (sso: { issuer: string }) => Promise<void>;
    /** Another system's running SSO (this system's apps are registered at it): services that trust it keep working. */
    sharedSso?: DevSso;
    /** The OIDC provider (the dev SSO process unless told otherwise); `sso` settings do not apply to it. */
    provider?: SsoProvider;
    /** Access-token lifetime of this system's clients at the provider (refresh tests). */
    accessTokenSeconds?: number;
  } = {},
): Promise<BffSystem> {
  const [pcServer, mobileServer] = await Promise.all([reserveServer(), reserveServer()]);
  if (env.provider) return startOnProvider(env.provider, env, pcServer, mobileServer);
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
    get idp(): Sso {
      throw new Error('this system was started without a provider (startBffSystem({ provider }))');
    },
    pc,
    mobile,
    login: async (app, who = DEMO, ssoAgent = request.agent(sso.issuer)) => (await loginVia(app.url, ssoAgent, sso.issuer, who)).bff,
    loginAt: () => {
      throw new Error('this system was started without a provider (startBffSystem({ provider }))');
    },
    close: async () => {
      await Promise.all([pc.close(), mobile.close()]);
      if (!shared) await sso.stop();
    },
  };
}

async function startOnProvider(
  provider: SsoProvider,
  env: Parameters<typeof startBffSystem>[0] & object,
  pcServer: Awaited<ReturnType<typeof reserveServer>>,
  mobileServer: Awaited<ReturnType<typeof reserveServer>>,
): Promise<BffSystem> {
  const idp = await provider.start([{ app: 'pc', url: pcServer.url }, { app: 'mobile', url: mobileServer.url }], { accessTokenSeconds: env.accessTokenSeconds });
  await env.beforeApps?.(idp);
  const pc = await startBff('pc', { ...idp.appEnv('pc'), ...env.pc }, pcServer);
  const mobile = await startBff('mobile', { ...idp.appEnv('mobile'), ...env.mobile }, mobileServer);
  return {
    get sso(): DevSso {
      if (!idp.dev) throw new Error(`${idp.name} is not the dev SSO: use sys.idp`);
      return idp.dev;
    },
    idp,
    pc,
    mobile,
    login: async (app, who = DEMO, ssoAgent) => {
      if (ssoAgent) throw new Error('a supertest agent is no browser for every provider: use loginAt(app, who, { browser: sys.idp.browser() })');
      return (await loginThrough(idp, app.url, who)).bff;
    },
    loginAt: (app, who = DEMO, options = {}) => loginThrough(idp, app.url, who, options),
    close: async () => {
      await Promise.all([pc.close(), mobile.close()]);
      await idp.stop();
    },
  };
}

/**
 * Both apps, their dev SSO and the three contract services that trust it (started once the SSO is
 * up, so users' tokens reach them), the apps pointed at the services. `env` goes to both apps.
 */
export async function startSystemWithServices(
  options: { env?: Record<string, string>; services?: ServiceSetOptions } = {},
): Promise<{ sys: BffSystem; services: ThreeServices; view: RunningContractView; close(): Promise<void> }> {
  const env: Record<string, string> = { CHANGE_NOTICE_CHANNEL: noticeChannel, ...options.env };
  let services!: ThreeServices;
  let view!: RunningContractView;
  const sys = await startBffSystem({
    pc: env,
    mobile: env,
    beforeApps: async (sso) => {
      services = await startThreeServices('sqlite', {}, { ...options.services, ssoIssuer: sso.issuer });
      // The contract view the lists read, on the services' bus.
      const urls = { pponUrl: services.ppon.url, inetaplcaUrl: services.inetaplca.url, intelnetUrl: services.intelnet.url };
      view = await startContractView(loadContractViewConfig(viewTestEnv('sqlite', { ...options.services, ssoIssuer: sso.issuer, ...urls })));
      Object.assign(env, { PPON_URL: services.ppon.url, INETAPLCA_URL: services.inetaplca.url, INTELNET_URL: services.intelnet.url, CONTRACT_VIEW_URL: view.url, ...options.env });
    },
  });
  return { sys, services, view, close: async () => (await sys.close(), await view.close(), await services.close()) };
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
