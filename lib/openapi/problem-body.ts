import { z } from 'zod';

/** Every error body (lib/errors/problem-handler.ts): RFC 9457 with the catalog's code (lib/errors/catalog.ts). */
export const problemBody = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    globalNo: z.string().optional(),
    errors: z
      .array(
        z.looseObject({
          in: z.string().optional(),
          path: z.string(),
          code: z.string().optional().meta({ description: 'stable: REQUIRED, TOO_LONG, TOO_SHORT, INVALID_PHONE, INVALID_CARD, INVALID_CARD_CHECKSUM, INVALID_FORMAT, INVALID_DATE_RANGE (docs/contracts.md)' }),
          message: z.string(),
        }),
      )
      .optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem' });
