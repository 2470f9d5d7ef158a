import path from 'node:path';
import type * as PassportStrategyModule from 'openid-client/passport';

/**
 * openid-client's passport strategy, loaded by its file. `import … from 'openid-client/passport'`
 * works under plain Node and jest, but tsx (what `npm start` runs) resolves that subpath to an empty
 * module; the file itself (ESM, which Node 20.19+ and tsx both `require`) loads everywhere.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by its file path, see above
const loaded = require(path.join(path.dirname(require.resolve('openid-client')), 'passport.js')) as typeof PassportStrategyModule;

export const OpenIdClientStrategy = loaded.Strategy;
export type { AuthenticateOptions, VerifyFunction } from 'openid-client/passport';
