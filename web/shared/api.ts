/** A problem+json answer from the BFF, with its per-field errors when the input was refused. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: { code?: string; title?: string; detail?: string; errors?: { path: string; code?: string; message?: string }[]; [k: string]: unknown },
  ) {
    // For logs and developers only: the screens show problemText (web/shared/problem-text.ts).
    super(problem.code ?? `HTTP ${status}`);
  }

  /** Field path (`contract.contr` or `contr`) → its stable error code (`REQUIRED`, …); the first per field. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const field = e.path.replace(/^contract\./, '');
      out[field] ??= e.code ?? 'other';
    }
    return out;
  }
}

const ENDED = new Set(['SESSION_REQUIRED', 'SESSION_EXPIRED']);

/** Whether an /api call failed because the session is over (the browser is on its way to sign in). */
export const isSessionEnded = (err: unknown): boolean => err instanceof ApiError && err.status === 401 && ENDED.has(err.problem.code ?? '');

/** The screen the user is on, to come back to after signing in again. */
export const currentScreen = () => location.pathname + location.search;

/** What the screens keep before the browser leaves to sign in (a form's input: web/shared/form-draft.ts). */
const beforeSignIn = new Set<() => void>();
/** Runs `keep` just before the browser leaves to sign in, whatever sends it (a press, the session clock, an expired call); the answer unregisters it. */
export function keepBeforeSignIn(keep: () => void): () => void {
  beforeSignIn.add(keep);
  return () => void beforeSignIn.delete(keep);
}

/** Sends the browser to sign in, returning to `returnTo` (this screen by default) afterwards. */
export function signIn(returnTo = currentScreen(), silent = false): void {
  for (const keep of beforeSignIn) {
    try {
      keep();
    } catch {
      /* keeping is best effort: signing in goes on */
    }
  }
  const target = returnTo === '/signed-out' ? '/' : returnTo;
  location.assign(`/bff/login?returnTo=${encodeURIComponent(target)}${silent ? '&prompt=none' : ''}`);
}

/** What happens when an /api call finds the session over; replaced in tests of the screens. */
export const onSessionEnded = { handle: () => signIn() };

/**
 * Every call to the BFF: same-origin cookie, `X-CSRF: 1` (the BFF refuses a state-changing call
 * without it), JSON in and out. A 401 for an ended session sends the user to sign in and back.
 */
export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'x-csrf': '1', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const body = (type.includes('json') ? await res.json() : { detail: await res.text() }) as ApiError['problem'] | null;
  if (!res.ok) {
    if (res.status === 401 && ENDED.has(body?.code ?? '') && path.startsWith('/api')) onSessionEnded.handle();
    throw new ApiError(res.status, body ?? {});
  }
  return body as T;
}

/** Upload with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function uploadFile(file: File, onProgress: (fraction: number) => void, url = '/api/files'): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('x-csrf', '1');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        /* not JSON: the status says enough */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body);
      } else {
        if (xhr.status === 401 && ENDED.has(String(body.code))) onSessionEnded.handle();
        reject(new ApiError(xhr.status, body));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, { title: 'network error' }));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
