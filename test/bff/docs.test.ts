import fs from 'node:fs';
import { README, currentTable, generatedTables } from '../../scripts/docs-tables';

describe('the README stays true', () => {
  const readme = fs.readFileSync(README, 'utf8');

  it.each(Object.keys(generatedTables))('lists exactly what the code has in its %s table (run `npm run docs` after a change)', (name) => {
    expect(currentTable(readme, name)).toBe(generatedTables[name]());
  });

  it('gives the commands a newcomer runs', () => {
    for (const command of ['npm ci', 'npm start', 'npm test', 'demo / demo1234']) expect(readme).toContain(command);
  });
});
