/** Component tests against real Redis, MariaDB and the dev SSO process; see README. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // openid-client (and its oauth4webapi, jose 6), cockatiel 4, http-proxy-middleware 4 (httpxy, is-plain-obj) and
  // @platformatic/kafka (and its two @platformatic helpers) are ESM-only: ts-jest turns them into CommonJS.
  transform: {
    '^.+\\.m?[tj]s$': ['<rootDir>/test/support/ts-jest-esm.js', { tsconfig: 'tsconfig.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(openid-client|oauth4webapi|jose|cockatiel|http-proxy-middleware|httpxy|is-plain-obj|@platformatic/(kafka|dynamic-buffer|wasm-utils))/)'],
  testTimeout: 30000,
  // A skipped or todo test fails the run (test/support/no-skip-reporter.js).
  reporters: ['default', '<rootDir>/test/support/no-skip-reporter.js'],
  // Kafka (127.0.0.1:9092) and Keycloak (127.0.0.1:8180) are started once if they do not answer,
  // and left running (scripts/infra/).
  globalSetup: '<rootDir>/test/support/start-infra.ts',
  // The suites share one Redis and one MariaDB and spawn processes: one worker keeps them
  // independent and fits a 2-core machine.
  maxWorkers: 1,
};
