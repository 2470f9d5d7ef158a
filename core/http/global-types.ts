import type { BffUser } from '../session/session-types';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares its types in this global namespace
  namespace Express {
    // passport's req.user is our BffUser
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs the interface form
    interface User extends BffUser {}
  }
}
export {};
