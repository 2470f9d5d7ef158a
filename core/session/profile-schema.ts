import { z } from 'zod';

/** The user's own preferences kept in the session (the source's "store and change the user's information"). */
export const profileSchema = z
  .object({
    language: z.enum(['ko', 'en']),
    pageSize: z.number().int().min(5).max(200),
    lastMenu: z.string().regex(/^[a-z][\w.-]{0,99}$/).nullable(),
    timeZone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+){0,2}$/).max(64),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema>;

export const profilePatchSchema = profileSchema.partial().strict().refine((p) => Object.keys(p).length > 0, {
  message: 'at least one field is required',
});

export const DEFAULT_PROFILE: Profile = { language: 'ko', pageSize: 20, lastMenu: null, timeZone: 'Asia/Seoul' };
