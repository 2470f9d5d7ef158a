import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError } from '../errors/app-error';

type Part = 'body' | 'query' | 'params';

/** Validation issues as a client can use them: where, and what is wrong. Never the bad value. */
export function toValidationError(error: z.ZodError, part: Part): AppError {
  const errors = error.issues.map((issue) => ({
    in: part,
    path: issue.path.join('.'),
    message: issue.message,
  }));
  return new AppError('VALIDATION_FAILED', errors.map((e) => `${e.path || part}: ${e.message}`).join('; '), { errors });
}

export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, part: Part = 'body'): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw toValidationError(result.error, part);
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
