/**
 * The documentation's generated tables (settings, error codes), from the same sources the code
 * uses. `npm run docs` rewrites each between its markers in its file; a test fails when a file drifts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bffSettings, bffDefaultsFor } from '../config/bff-config';
import { settingsTable } from '../config/define-settings';
import { contractViewConfigTable } from '../config/contract-view-config';
import { serviceConfigTable } from '../config/service-config';
import { telemetryConfigTable } from '../config/telemetry-config';
import { errorCatalog } from '../lib/errors/catalog';

const ROOT = path.join(__dirname, '..');

/** Each table: the file (from the repository's root) that holds its markers, and how it is rendered. */
export const generatedTables: Record<string, { file: string; render: () => string }> = {
  'bff-config': { file: 'docs/configuration.md', render: () => settingsTable(bffSettings, bffDefaultsFor('pc')) },
  'service-config': { file: 'docs/configuration.md', render: serviceConfigTable },
  'contract-view-config': { file: 'docs/configuration.md', render: contractViewConfigTable },
  'telemetry-config': { file: 'docs/configuration.md', render: telemetryConfigTable },
  'error-codes': {
    file: 'docs/http-api.md',
    render: () =>
      ['| code | status | meaning |', '| --- | --- | --- |', ...Object.entries(errorCatalog).map(([code, { status, title }]) => `| \`${code}\` | ${status} | ${title} |`)].join('\n'),
  },
};

const block = (name: string) => new RegExp(`(<!-- generated:${name} -->\\n)((?:(?!<!--)[\\s\\S])*?)\\n?(<!-- /generated -->)`);

/** The absolute path of a repository file. */
export const docPath = (file: string) => path.join(ROOT, file);

/** The text between a table's markers in the given file's text. */
export function currentTable(text: string, name: string): string | undefined {
  return block(name).exec(text)?.[2];
}

if (require.main === module) {
  const files = new Map<string, string>();
  for (const [name, { file, render }] of Object.entries(generatedTables)) {
    const text = files.get(file) ?? fs.readFileSync(docPath(file), 'utf8');
    if (!block(name).test(text)) throw new Error(`${file} has no <!-- generated:${name} --> block`);
    files.set(file, text.replace(block(name), (_m, open: string, _old: string, close: string) => `${open}${render()}\n${close}`));
  }
  for (const [file, text] of files) fs.writeFileSync(docPath(file), text);
  console.log(`tables regenerated in ${[...files.keys()].join(', ')}`);
}
