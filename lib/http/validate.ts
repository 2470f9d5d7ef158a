import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError } from '../errors/app-error';
import { fieldPath, issueCode, valueAt } from './issue-code';

type Part = 'body' | 'query' | 'params';

/** Validation issues as a client can use them: where, what is wrong and its stable code (lib/http/issue-code.ts). Never the bad value. */
export function toValidationError(error: z.ZodError, part: Part, input?: unknown): AppError {
  const errors = error.issues.flatMap((issue) => {
    // One entry per unknown field, named like any other field.
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    return paths.map((path) => ({
      in: part,
      path: fieldPath(path),
      code: issue.code === 'unrecognized_keys' ? 'INVALID_FORMAT' : issueCode(issue, valueAt(input, path)),
      message: issue.code === 'unrecognized_keys' ? 'is not a field of this request' : issue.message,
    }));
  });
  return new AppError('VALIDATION_FAILED', errors.map((e) => `${e.path || part}: ${e.message}`).join('; '), { errors });
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, part: Part = 'body'): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw toValidationError(result.error, part, value);
  return result.data;
}

/** Route middleware: replaces `req[part]` with the parsed value or answers 400. */
export function validate<T extends z.ZodType>(schema: T, part: Part = 'body'): RequestHandler {
  return (req, _res, next) => {
    const parsed = parseOrThrow(schema, req[part], part);
    if (part === 'query') {
      // Express 5 exposes req.query as a getter; redefine it with the parsed value.
      Object.defineProperty(req, 'query', { value: parsed, writable: true, configurable: true });
    } else {
      (req as unknown as Record<Part, unknown>)[part] = parsed;
    }
    next();
  };
}
