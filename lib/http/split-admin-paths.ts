import type { RequestListener } from 'node:http';
import { AppError } from '../errors/app-error';
import { sendProblem } from '../errors/problem-handler';
import { normalizePath } from './normalize-path';

/** The operator endpoints a process may move to its admin port (`ADMIN_PORT`). */
export const ADMIN_PATHS = ['/metrics', '/docs'];

const isAdmin = (url: string | undefined, paths: readonly string[]) => {
  const normalized = normalizePath((url ?? '/').split('?')[0]);
  // A path the app would refuse anyway is not an operator path; the app answers it.
  if (!normalized.ok) return false;
  const path = normalized.path.toLowerCase();
  return paths.some((p) => path === p || path.startsWith(`${p}/`));
};

/**
 * One app served on two listeners: `admin` answers only the operator paths, `main` everything
 * else (an operator path there is a 404, as if it did not exist). Probes stay on `main`.
 */
export function splitAdminPaths(app: RequestListener, paths: readonly string[] = ADMIN_PATHS): { main: RequestListener; admin: RequestListener } {
  const notFound: RequestListener = (req, res) => sendProblem(res, new AppError('NOT_FOUND'), (req.url ?? '/').split('?')[0]);
  return {
    main: (req, res) => (isAdmin(req.url, paths) ? notFound(req, res) : app(req, res)),
    admin: (req, res) => (isAdmin(req.url, paths) ? app(req, res) : notFound(req, res)),
  };
}
