import path from 'node:path';
import { freePort } from './free-port';
import { spawnReady, type Spawned } from './spawn-ready';
import { DEV_SECRETS, type BffAppName } from '../../config/bff-config';

export interface DevSso extends Spawned {
  issuer: string;
}

/** The real dev SSO process, with one client per given BFF origin. */
export async function startDevSso(bffs: { app: BffAppName; url: string }[]): Promise<DevSso> {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const clients = bffs.map(({ app, url }) => ({
    client_id: `bff-${app}`,
    client_secret: DEV_SECRETS[app].client,
    redirect_uris: [`${url}/bff/callback`],
    post_logout_redirect_uris: [`${url}/`],
    backchannel_logout_uri: `${url}/bff/backchannel-logout`,
  }));
  const server = path.join(__dirname, '..', '..', 'sandbox', 'dev-sso', 'server.mjs');
  const spawned = await spawnReady(process.execPath, [server], { SSO_PORT: String(port), SSO_ISSUER: issuer, SSO_CLIENTS: JSON.stringify(clients) }, /dev-sso ready/);
  return { ...spawned, issuer };
}
