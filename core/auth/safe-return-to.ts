import { AppError } from '../../lib/errors/app-error';

/**
 * Where a login may send the browser back to: only a place on this app's own origin. The value is
 * resolved with the WHATWG URL parser — the one browsers use — against the app's public origin, so
 * every trick that parser knows (dot segments, backslashes, tabs and newlines it strips, doubled
 * slashes, percent-encodings, unicode) is judged by the same rules the browser will apply. Anything
 * that lands on another origin is refused; what is returned is the *re-serialised* path, query and
 * fragment of the resolved URL, which always starts with exactly one '/'.
 */
export function safeReturnTo(value: unknown, publicUrl: string): string {
  if (value === undefined || value === '') return '/';
  if (typeof value !== 'string' || value.length > 2048) throw new AppError('INVALID_RETURN_URL');
  // Control characters are stripped by the parser, so they never mean anything honest here.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new AppError('INVALID_RETURN_URL');
  const origin = new URL(publicUrl).origin;
  let resolved: URL;
  try {
    resolved = new URL(value, `${origin}/`);
  } catch {
    throw new AppError('INVALID_RETURN_URL');
  }
  if (resolved.origin !== origin) throw new AppError('INVALID_RETURN_URL');
  const path = resolved.pathname + resolved.search + resolved.hash;
  // Belt and braces: a serialised path the browser could read as network-path reference.
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) throw new AppError('INVALID_RETURN_URL');
  return path;
}
