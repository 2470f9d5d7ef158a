import type { BffUser } from '../session/session-types';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport's req.user is our BffUser
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends BffUser {}
  }
}
export {};
