/**
 * A request path decoded once and normalised (RFC 3986 §5.2.4 dot-segment removal), or the
 * reason it is refused. Matching a routing table on the raw path lets `/public/../app` pass a
 * public row and reach whatever the upstream calls `/app`; decoding more than once lets `%2e%2e`
 * or `..%2f` become a dot segment after the check. So: every escape must be valid UTF-8; encoded
 * `/`, `\`, NUL and other control characters are refused (they have no honest use in a path);
 * a segment that is a dot segment only once decoded (`%2e%2e`, `.%2e`) is refused; literal dot
 * segments are removed and repeated slashes merged; each segment is then re-encoded in one
 * canonical form, so what the upstream receives decodes to exactly what was checked.
 *
 * The legacy upstreams are Java servlet containers (Tomcat): they cut `;parameters` off each
 * segment before removing dot segments (`/..;/` is `/../` there), and a filter in front may decode
 * once more (`%252e` is `.` there). So, whatever the row: a `;` parameter on a dot or empty segment
 * (`..;`, `.;jsessionid=…`, `%2e%2e;`), an encoded `;` (it would leave here as a raw one), an escape
 * that decodes to another escape (`%25xx`), and characters that NFKC folds into path syntax
 * (fullwidth `．`, `／`, `％`) are refused. A plain `;` parameter on a normal segment is reported
 * (`pathParameters`): the caller refuses it unless the row allows it (docs/edge-and-sessions.md).
 */
export type NormalizedPath = { ok: true; path: string; pathParameters: boolean } | { ok: false; reason: string };

/** Bytes allowed raw in a segment (RFC 3986 pchar minus '%'), everything else percent-encoded. */
const PCHAR = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;
const ENCODED_DOT_SEGMENT = /^(\.|%2e)+$/i;
const BAD_DECODED = /[\u0000-\u001f\u007f/\\]/;
/** A path already in canonical form: raw pchars only (no escapes, no `;`), no empty or dot segment but a trailing slash. */
const CANONICAL = /^(?:\/[A-Za-z0-9\-._~!$&'()*+,=:@]+)*\/?$/;
/** After one decoding, another escape: double encoding. */
const ESCAPE_AFTER_DECODING = /%[0-9a-fA-F]{2}/;
/** Path syntax that NFKC (fullwidth forms and the like) may make of another character for a later layer. */
const FOLDS_TO_SYNTAX = /[/\\;%\u0000-\u001f\u007f]/;
const isDotOrEmpty = (name: string) => name === '' || name === '.' || name === '..';
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

function encodeSegment(segment: string): string {
  let out = '';
  for (const char of segment) out += PCHAR.test(char) ? char : encodeURIComponent(char);
  return out;
}

export function normalizePath(rawPath: string): NormalizedPath {
  if (!rawPath.startsWith('/')) return { ok: false, reason: 'the path must start with /' };
  // Most paths are canonical already (nothing below would refuse or change them): taken as they are.
  if (CANONICAL.test(rawPath) && !DOT_SEGMENT.test(rawPath)) return { ok: true, path: rawPath, pathParameters: false };
  if (rawPath.includes('\\')) return { ok: false, reason: 'the path contains a backslash' };
  if (/[\u0000-\u0020\u007f-\uffff]/.test(rawPath)) return { ok: false, reason: 'the path contains unencoded characters' };
  if (/%(?![0-9a-fA-F]{2})/.test(rawPath)) return { ok: false, reason: 'the path contains an invalid percent escape' };
  return normalizeSegments(rawPath);
}

/** The full algorithm (exported for the test that checks the shortcut above against it). */
export function normalizeSegments(rawPath: string): NormalizedPath {
  const output: string[] = [];
  let pathParameters = false;
  const raw = rawPath.split('/').slice(1);
  for (const [i, segment] of raw.entries()) {
    const last = i === raw.length - 1;
    if (segment.includes('%') && ENCODED_DOT_SEGMENT.test(segment)) return { ok: false, reason: 'the path contains an encoded dot segment' };
    if (/%3b/i.test(segment)) return { ok: false, reason: 'the path contains an encoded semicolon' };
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return { ok: false, reason: 'the path is not valid percent-encoded UTF-8' };
    }
    if (BAD_DECODED.test(decoded)) return { ok: false, reason: 'the path contains an encoded separator or control character' };
    if (ESCAPE_AFTER_DECODING.test(decoded)) return { ok: false, reason: 'the path contains a double-encoded escape' };
    const folded = decoded.normalize('NFKC');
    if (folded !== decoded && ((folded === '.' || folded === '..') || [...decoded].some((c) => c.normalize('NFKC') !== c && FOLDS_TO_SYNTAX.test(c.normalize('NFKC'))))) {
      return { ok: false, reason: 'the path contains characters that normalise to path syntax' };
    }
    if (decoded.includes(';')) {
      pathParameters = true;
      // What a servlet container reads: the segment up to its first `;`.
      if (isDotOrEmpty(decoded.slice(0, decoded.indexOf(';')).normalize('NFKC'))) return { ok: false, reason: 'a ;parameter hides a dot or empty segment' };
    }
    if (decoded === '.' || decoded === '..') {
      if (decoded === '..') output.pop();
      // `/a/..` and `/a/.` name a directory: keep the trailing slash.
      if (last) output.push('');
      continue;
    }
    // Merge repeated slashes; keep one trailing slash.
    if (decoded === '' && !last) continue;
    output.push(encodeSegment(decoded));
  }
  return { ok: true, path: `/${output.join('/')}`, pathParameters };
}
