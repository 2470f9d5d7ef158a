import type { KeyValueStore } from '../cache/key-value-store';
import { profileSchema, type Profile } from './profile-schema';

/** A profile untouched this long is forgotten (Redis needs a TTL; a year and a month covers a yearly sign-in). */
const KEEP_SECONDS = 400 * 24 * 3600;

/**
 * The user's profile, kept per user (`<sessionPrefix>profile:<sub>`), not per session: a session
 * ends at sign-out and a new one starts empty, but the rows per page chosen last week stay. The
 * session keeps its copy for the requests in between. A store that cannot be read is no profile.
 */
export function userProfiles(kv: KeyValueStore, sessionPrefix: string) {
  const key = (sub: string) => `${sessionPrefix}profile:${sub}`;
  return {
    async get(sub: string): Promise<Profile | null> {
      const json = await kv.get(key(sub)).catch(() => null);
      if (!json) return null;
      const parsed = profileSchema.safeParse(JSON.parse(json));
      return parsed.success ? parsed.data : null;
    },
    async save(sub: string, profile: Profile): Promise<void> {
      await kv.set(key(sub), JSON.stringify(profile), KEEP_SECONDS);
    },
  };
}
