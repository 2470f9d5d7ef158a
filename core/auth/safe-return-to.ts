import { AppError } from '../../lib/errors/app-error';

/**
 * Accepts only a path on this site: starts with a single '/', no scheme or authority, no
 * backslashes or control characters — checked on the decoded form too, so `%2F%2Fevil.com`
 * or `/%5Cevil.com` cannot smuggle an open redirect.
 */
export function safeReturnTo(value: unknown): string {
  if (value === undefined || value === '') return '/';
  if (typeof value !== 'string' || value.length > 2048) throw new AppError('INVALID_RETURN_URL');
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw new AppError('INVALID_RETURN_URL');
  }
  for (const candidate of [value, decoded]) {
    if (!candidate.startsWith('/') || candidate.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(candidate)) {
      throw new AppError('INVALID_RETURN_URL');
    }
  }
  // Resolve against a dummy origin: whatever the browser would make of it must stay on-site.
  const resolved = new URL(value, 'https://bff.invalid');
  if (resolved.origin !== 'https://bff.invalid') throw new AppError('INVALID_RETURN_URL');
  return resolved.pathname + resolved.search + resolved.hash;
}
