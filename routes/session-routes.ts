import type { Request } from 'express';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import { AppError } from '../lib/errors/app-error';
import { DEFAULT_PROFILE, profilePatchSchema, type Profile } from '../core/session/profile-schema';
import { menuIds } from '../core/menu/load-menu';
import { memoryKeyValueStore, redisKeyValueStore } from '../core/cache/key-value-store';
import { userProfiles } from '../core/session/user-profiles';
import type { BffUser } from '../core/session/session-types';
import type { DocumentedRoute } from '../lib/openapi/api-route';
import { documentedRouter } from '../lib/openapi/documented-router';
import { bffResponses } from './openapi/bff-responses';

/** The user's own information kept in (and changed in) the shared session: `/api/session/profile`. */
export function sessionRoutes(runtime: BffRuntime, routes: DocumentedRoute[]) {
  const { router, route } = documentedRouter(routes, '/api/session');
  const knownMenus = menuIds(runtime.menu);
  const profiles = userProfiles(runtime.redis ? redisKeyValueStore(runtime.redis) : memoryKeyValueStore(), runtime.config.sessionPrefix);
  /** This session's profile, else the one the user kept from an earlier session (core/session/user-profiles.ts). */
  const profileOf = async (req: Request): Promise<Profile> => req.session.profile ?? (await profiles.get((req.user as BffUser).sub)) ?? DEFAULT_PROFILE;

  route({ method: 'get', path: '/profile', summary: "The user's preferences kept in the session", responses: { 200: { description: 'profile', schema: bffResponses.profile } } }, async (req, res) => {
    res.set('cache-control', 'no-store').json(await profileOf(req));
  });

  route({ method: 'patch', path: '/profile', summary: 'Change preferences', csrf: true, request: { body: profilePatchSchema }, responses: { 200: { description: 'profile', schema: bffResponses.profile }, 400: 'VALIDATION_FAILED' } }, async (req, res) => {
    const patch = req.body as Partial<Profile>;
    if (patch.lastMenu && !knownMenus.has(patch.lastMenu)) {
      throw new AppError('VALIDATION_FAILED', `lastMenu: no menu item '${patch.lastMenu}' in this app`, {
        errors: [{ in: 'body', path: 'lastMenu', message: 'unknown menu id' }],
      });
    }
    req.session.profile = { ...(await profileOf(req)), ...patch };
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err })) : resolve())));
    await profiles.save((req.user as BffUser).sub, req.session.profile).catch((err: unknown) => {
      throw new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err });
    });
    res.set('cache-control', 'no-store').json(req.session.profile);
  });

  return router;
}
