import fs from 'node:fs';
import { z } from 'zod';

/** One setting: its environment variable, schema, default and one line saying what it does. */
export interface Setting<T extends z.ZodType = z.ZodType> {
  env: string;
  schema: T;
  description: string;
  /** Shown in the documentation's table (docs/configuration.md) when the default is computed (per app or from other keys). */
  defaultText?: string;
}

export type Settings = Record<string, Setting>;
export type SettingValues<S extends Settings> = { readonly [K in keyof S]: z.infer<S[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A JSON file a setting names, read at start-up: a ConfigError naming the setting and the file when it cannot be. */
export function readJsonSetting(setting: string, file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${setting} (${file}): cannot be read as JSON: ${(err as Error).message}`]);
  }
}

/**
 * Parses every setting from `env` (falling back to `defaults`), collecting every problem before
 * failing, so that one start-up attempt names each bad key. The result is frozen.
 */
export function parseSettings<S extends Settings>(
  settings: S,
  env: Record<string, string | undefined>,
  defaults: Partial<Record<keyof S, unknown>> = {},
): SettingValues<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(settings)) {
    const raw = env[setting.env];
    const input = raw === undefined || raw === '' ? defaults[key] : raw;
    const result = setting.schema.safeParse(input);
    if (result.success) values[key] = result.data;
    else problems.push(`${setting.env}: ${result.error.issues.map((i) => i.message).join(', ')}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as SettingValues<S>;
}

/** Markdown rows for a configuration table of docs/configuration.md. */
/** A default as the table shows it: a string as written, anything else as JSON. */
const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export function settingsTable(settings: Settings, defaults: Record<string, unknown> = {}): string {
  const rows = Object.entries(settings).map(([key, s]) => {
    const def = s.defaultText ?? (defaults[key] === undefined ? '—' : `\`${shown(defaults[key])}\``);
    return `| \`${s.env}\` | ${def} | ${s.description} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

// Small schema helpers shared by every config of the repository.
export const bool = () =>
  z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const url = () => z.string().url().transform((v) => v.replace(/\/+$/, ''));
