import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import type { UpgradeHandler } from './create-upgrade-handler';

/**
 * An Express app cannot see upgrades: they are a server event. This middleware subscribes the
 * handler to the server of the first request it sees (a readiness probe or a page load comes
 * before any WebSocket), so whoever creates the server need not know about it.
 */
export function attachUpgradeHandler(handler: UpgradeHandler): RequestHandler {
  const attached = new WeakSet<Server>();
  return (req, _res, next) => {
    const server = (req.socket as { server?: Server }).server;
    if (server && !attached.has(server)) {
      attached.add(server);
      server.on('upgrade', handler);
    }
    next();
  };
}
