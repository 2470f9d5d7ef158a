/**
 * The one catalog of error codes that may leave any process of this repository (BFF apps and
 * contract services). Each code maps to one HTTP status and a short, stable title. The error table
 * of docs/http-api.md lists exactly these codes; a test keeps the two in step.
 */
export const errorCatalog = {
  // generic request errors
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_BODY: { status: 400, title: 'The request body could not be parsed' },
  INVALID_PATH: { status: 400, title: 'The request path is not valid' },
  MALFORMED_REQUEST: { status: 400, title: 'The request is not valid HTTP' },
  INVALID_RETURN_URL: { status: 400, title: 'returnTo must be a relative path on this site' },
  DRILL_NOT_ALLOWED: { status: 400, title: 'Compensation drills are disabled in this environment' },
  LOGIN_FAILED: { status: 401, title: 'The login with the identity provider did not complete' },
  SESSION_REQUIRED: { status: 401, title: 'A logged-in session is required' },
  SESSION_EXPIRED: { status: 401, title: 'The session has expired' },
  CSRF_REQUIRED: { status: 401, title: 'The X-CSRF: 1 header is required for this request' },
  LOGOUT_TOKEN_INVALID: { status: 400, title: 'The logout token is not valid' },
  NOT_FOUND: { status: 404, title: 'No such resource' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'The resource is in a state that does not allow this request' },
  SAGA_IN_PROGRESS: { status: 409, title: 'A saga is still running on this contract' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request body did not arrive in time' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The content type is not supported' },
  // downstream failures
  UPSTREAM_UNAVAILABLE: { status: 502, title: 'An upstream service did not answer' },
  UPSTREAM_BAD_RESPONSE: { status: 502, title: 'An upstream service answered with an error' },
  UPSTREAM_TIMEOUT: { status: 504, title: 'An upstream service did not answer in time' },
  SSO_UNAVAILABLE: { status: 503, title: 'The identity provider cannot be reached' },
  SESSION_STORE_UNAVAILABLE: { status: 503, title: 'The session store cannot be reached' },
  DATABASE_UNAVAILABLE: { status: 503, title: 'The database cannot be reached' },
  NOT_READY: { status: 503, title: 'This instance is starting (waiting for a dependency) or shutting down' },
  VIEW_BEHIND: { status: 503, title: 'The contract view is further behind the services than allowed' },
  INTERNAL: { status: 500, title: 'Internal error' },
  // contract services' sagas
  DRILL_FAILURE: { status: 422, title: 'Failed on purpose: compensation drill (compensateYn=Y)' },
  SAGA_CANCELLED: { status: 409, title: 'A saga step failed; the saga was compensated' },
  SAGA_COMPENSATION_FAILED: { status: 502, title: 'A saga step failed and its compensation did not complete' },
  // legacy routing and files
  ORIGIN_NOT_ALLOWED: { status: 403, title: 'The request comes from another origin' },
  RANGE_NOT_SATISFIABLE: { status: 416, title: 'The requested byte range is outside the file' },
  // BFF saga triggers
  SAGA_FAILED: { status: 409, title: 'The saga did not complete; it was compensated or its compensation failed' },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, title: 'A request with this Idempotency-Key is still in progress' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'This Idempotency-Key was used for a different request' },
  // hostile input and limits
  HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  TOO_MANY_REQUESTS: { status: 429, title: 'Too many requests; try again later' },
  CIRCUIT_OPEN: { status: 503, title: 'An upstream service is failing; calls to it are paused' },
  // identity: bearer tokens at the services, roles (docs/identity.md)
  LOGOUT_SID_INVALID: { status: 400, title: 'The logout link does not belong to this session' },
  TOKEN_REQUIRED: { status: 401, title: 'A bearer token is required' },
  TOKEN_INVALID: { status: 401, title: 'The bearer token is not valid (signature, issuer, audience or expiry)' },
  FORBIDDEN: { status: 403, title: 'Your role does not allow this request' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;
