import type { Passport } from 'passport';
import type { BffRuntime } from '../../core/runtime/build-bff-runtime';
import { BffLoginStrategy } from '../../core/auth/create-login-strategy';

/** The passport strategy's name, shared by the login and the callback. */
export const STRATEGY = 'oidc';

/**
 * The strategy needs the SSO's endpoints, so it is built after the first successful discovery;
 * a failed discovery is tried again on the next login.
 */
export function loginStrategy(runtime: BffRuntime, passport: InstanceType<typeof Passport>): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    ready ??= runtime.oidc.client().then(
      (configuration) => void passport.use(STRATEGY, new BffLoginStrategy(configuration, runtime.config)),
      (err) => {
        ready = undefined;
        throw err;
      },
    );
    return ready;
  };
}
