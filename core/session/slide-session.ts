import type { Request } from 'express';

/** `GET /bff/user?slide=false`: a screen reading its session's expiry must not extend it by doing so. */
export function slidesSession(req: Request): boolean {
  return !(req.method === 'GET' && req.path === '/bff/user' && req.query.slide === 'false');
}
