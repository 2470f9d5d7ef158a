import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';

export type Agent = InstanceType<typeof TestAgent>;

const originOf = (u: string) => new URL(u).origin;
const pathOf = (u: string) => {
  const url = new URL(u);
  return url.pathname + url.search;
};

/**
 * The browser's part at the SSO: follows its redirects from `location` (the BFF's 302 to the
 * authorization endpoint), submits the login form if it is shown, and returns the URL the SSO
 * sends the browser back to (the BFF's callback, not yet followed).
 */
export async function authorizeAtSso(ssoAgent: Agent, ssoIssuer: string, location: string, credentials: { username: string; password: string }, backTo: string): Promise<string> {
  let submitted = false;
  for (let hop = 0; hop < 10; hop++) {
    if (originOf(location) === originOf(backTo)) return location;
    if (originOf(location) !== originOf(ssoIssuer)) throw new Error(`unexpected redirect to ${location}`);
    const res = await ssoAgent.get(pathOf(location));
    if (res.status === 200 && /name="password"/.test(res.text) && !submitted) {
      const action = /action="([^"]+)"/.exec(res.text)![1];
      const posted = await ssoAgent.post(action).type('form').send(credentials);
      if (posted.status === 401) throw Object.assign(new Error('wrong credentials'), { response: posted });
      submitted = true;
      location = new URL(posted.headers.location, ssoIssuer).toString();
      continue;
    }
    if (!res.headers.location) throw new Error(`SSO answered ${res.status} without redirect: ${res.text.slice(0, 300)}`);
    location = new URL(res.headers.location, ssoIssuer).toString();
  }
  throw new Error('too many redirects');
}

/**
 * Drives the authorization-code login over HTTP the way a browser does: one cookie jar per
 * origin, redirects followed by hand. Returns the BFF agent (now logged in) and the response of
 * the BFF's callback.
 */
export async function loginVia(
  bffUrl: string,
  ssoAgent: Agent,
  ssoIssuer: string,
  credentials: { username: string; password: string },
  options: { returnTo?: string; bffAgent?: Agent; query?: string } = {},
) {
  const bff = options.bffAgent ?? request.agent(bffUrl);
  const query = options.query ?? (options.returnTo ? `returnTo=${encodeURIComponent(options.returnTo)}` : '');
  const start = await bff.get(`/bff/login${query ? `?${query}` : ''}`);
  if (start.status !== 302) throw new Error(`login did not redirect: ${start.status} ${start.text}`);
  const back = await authorizeAtSso(ssoAgent, ssoIssuer, new URL(start.headers.location, bffUrl).toString(), credentials, bffUrl);
  const callback = await bff.get(pathOf(back));
  return { bff, callback, start };
}

export const DEMO = { username: 'demo', password: 'demo1234' };
export const KIM = { username: 'kim', password: 'kim1234' };
export const LEE = { username: 'lee', password: 'lee1234' };
export const PARK = { username: 'park', password: 'park1234' };
export const OPS = { username: 'ops', password: 'ops1234' };
