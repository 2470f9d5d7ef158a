import fs from 'node:fs';
import { currentTable, docPath, generatedTables } from '../../scripts/docs-tables';

describe('the documentation stays true', () => {
  it.each(Object.entries(generatedTables))('lists exactly what the code has in its %s table (run `npm run docs` after a change)', (name, { file, render }) => {
    expect(currentTable(fs.readFileSync(docPath(file), 'utf8'), name)).toBe(render());
  });

  it('gives the commands a newcomer runs in the README', () => {
    const readme = fs.readFileSync(docPath('README.md'), 'utf8');
    for (const command of ['npm ci', 'npm start', 'npm test', 'demo / demo1234']) expect(readme).toContain(command);
  });
});
