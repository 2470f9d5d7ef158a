import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBffConfig } from '../../config/bff-config';
import { ConfigError } from '../../config/define-settings';
import { buildBffRuntime } from '../../core/runtime/build-bff-runtime';

const startWith = (menuFile: string) => buildBffRuntime(loadBffConfig('pc', { NODE_ENV: 'test', LOG_LEVEL: 'silent', MENU_FILE: menuFile }));
const written = (text: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'menu-')), 'menu.json');
  fs.writeFileSync(file, text);
  return file;
};

/** A menu file the app cannot use stops it with one line naming the setting and the file, as the routing table's does. */
describe('MENU_FILE', () => {
  it.each([
    ['missing', '/nonexistent/menu.json', /MENU_FILE \(\/nonexistent\/menu\.json\): cannot be read as JSON: .*ENOENT/],
    ['not JSON', written('{ "items": [ '), /MENU_FILE \(.*menu\.json\): cannot be read as JSON: /],
    ['not a menu', written('{ "items": [{ "id": "Bad Id", "label": "", "path": "x" }] }'), /MENU_FILE \(.*menu\.json\): items\.0\.(id|label|path): /],
  ])('%s: refused at start-up, naming MENU_FILE and the file', async (_label, file, message) => {
    const failure = await startWith(file).then(() => null, (err: unknown) => err);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).problems.join('\n')).toMatch(message);
  });
});
