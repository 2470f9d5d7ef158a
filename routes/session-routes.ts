import { Router } from 'express';
import type { BffRuntime } from '../core/runtime/build-bff-runtime';
import { AppError } from '../lib/errors/app-error';
import { validate } from '../lib/http/validate';
import { DEFAULT_PROFILE, profilePatchSchema, type Profile } from '../core/session/profile-schema';
import { menuIds } from '../core/menu/load-menu';

/** The user's own information kept in (and changed in) the shared session: `/api/session/profile`. */
export function sessionRoutes(runtime: BffRuntime): Router {
  const router = Router();
  const knownMenus = menuIds(runtime.menu);

  router.get('/profile', (req, res) => {
    res.set('cache-control', 'no-store').json(req.session.profile ?? DEFAULT_PROFILE);
  });

  router.patch('/profile', validate(profilePatchSchema), async (req, res) => {
    const patch = req.body as Partial<Profile>;
    if (patch.lastMenu && !knownMenus.has(patch.lastMenu)) {
      throw new AppError('VALIDATION_FAILED', `lastMenu: no menu item '${patch.lastMenu}' in this app`, {
        errors: [{ in: 'body', path: 'lastMenu', message: 'unknown menu id' }],
      });
    }
    req.session.profile = { ...(req.session.profile ?? DEFAULT_PROFILE), ...patch };
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(new AppError('SESSION_STORE_UNAVAILABLE', undefined, {}, { cause: err })) : resolve())));
    res.set('cache-control', 'no-store').json(req.session.profile);
  });

  return router;
}
