import type { z } from 'zod';

/** The stable code of one validation issue (docs/contracts.md lists them). `input` is the value at the issue's path. */
export function issueCode(issue: z.core.$ZodIssue, input: unknown): string {
  const own = (issue as { params?: { code?: unknown } }).params?.code;
  if (typeof own === 'string') return own;
  if (input === undefined || input === null) return 'REQUIRED';
  if (issue.code === 'too_big') return 'TOO_LONG';
  if (issue.code === 'too_small') return typeof input === 'string' && input.trim() === '' ? 'REQUIRED' : 'TOO_SHORT';
  return 'INVALID_FORMAT';
}

/** The value a path names inside a request part (undefined when a step is missing). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at = root;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/**
 * A field's name as a screen knows it: without the envelope it travels in (`contract` at the BFF,
 * `pponContPayload` and its siblings at the services).
 */
export function fieldPath(path: readonly PropertyKey[]): string {
  const parts = path.map(String);
  if (parts.length > 1 && (parts[0] === 'contract' || parts[0].endsWith('ContPayload'))) parts.shift();
  return parts.join('.');
}
