/**
 * The README's generated tables (BFF configuration, error codes), from the same sources the code
 * uses. `npm run docs` rewrites them between their markers; a test fails when the README drifts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bffSettings, bffDefaultsFor } from '../config/bff-config';
import { settingsTable } from '../config/define-settings';
import { telemetryConfigTable } from '../config/telemetry-config';
import { errorCatalog } from '../lib/errors/catalog';

export const README = path.join(__dirname, '..', 'README.md');

export const generatedTables: Record<string, () => string> = {
  'bff-config': () => settingsTable(bffSettings, bffDefaultsFor('pc')),
  'telemetry-config': telemetryConfigTable,
  'error-codes': () =>
    ['| code | status | meaning |', '| --- | --- | --- |', ...Object.entries(errorCatalog).map(([code, { status, title }]) => `| \`${code}\` | ${status} | ${title} |`)].join('\n'),
};

const block = (name: string) => new RegExp(`(<!-- generated:${name} -->\\n)((?:(?!<!--)[\\s\\S])*?)\\n?(<!-- /generated -->)`);

/** The text between a table's markers in the given README text. */
export function currentTable(readme: string, name: string): string | undefined {
  return block(name).exec(readme)?.[2];
}

if (require.main === module) {
  let readme = fs.readFileSync(README, 'utf8');
  for (const [name, render] of Object.entries(generatedTables)) {
    if (!block(name).test(readme)) throw new Error(`README.md has no <!-- generated:${name} --> block`);
    readme = readme.replace(block(name), (_m, open: string, _old: string, close: string) => `${open}${render()}\n${close}`);
  }
  fs.writeFileSync(README, readme);
  console.log('README.md tables regenerated');
}
