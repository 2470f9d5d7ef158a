import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';

export type Agent = InstanceType<typeof TestAgent>;

const originOf = (u: string) => new URL(u).origin;
const pathOf = (u: string) => {
  const url = new URL(u);
  return url.pathname + url.search;
};

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
  options: { returnTo?: string; bffAgent?: Agent } = {},
) {
  const bff = options.bffAgent ?? request.agent(bffUrl);
  const start = await bff.get(`/bff/login${options.returnTo ? `?returnTo=${encodeURIComponent(options.returnTo)}` : ''}`);
  if (start.status !== 302) throw new Error(`login did not redirect: ${start.status} ${start.text}`);
  let location = new URL(start.headers.location, bffUrl).toString();
  let submitted = false;
  for (let hop = 0; hop < 10; hop++) {
    if (originOf(location) === originOf(bffUrl)) {
      const callback = await bff.get(pathOf(location));
      return { bff, callback };
    }
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

export const DEMO = { username: 'demo', password: 'demo1234' };
export const KIM = { username: 'kim', password: 'kim1234' };
