import fs from 'node:fs';
import path from 'node:path';

// Every relative link and #anchor in the documentation a newcomer reads resolves: to a file or
// folder of the repository, and to a heading of the target Markdown file (GitHub's slugs).

const ROOT = path.join(__dirname, '..', '..');
const docs = ['README.md', 'ARCHITECTURE.md', 'services/README.md', 'bench/README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Lines outside fenced code blocks. */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').filter((line) => {
    const open = /^\s*(`{3,}|~{3,})/.exec(line);
    if (open) {
      if (!fence) fence = open[1][0];
      else if (open[1][0] === fence) fence = undefined;
      return false;
    }
    return !fence;
  });
}

/** GitHub's anchor of a heading: the rendered text, lower-cased, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/** The anchors a Markdown text offers: its headings (repeats numbered as GitHub does) and explicit ids. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      found.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const id of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(id[1]);
  }
  return found;
}

/** The link targets of a Markdown text (inline links and images, reference definitions), code left out. */
function links(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown)) {
    const prose = line.replace(/(`+)[\s\S]*?\1/g, '');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]);
    const reference = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(prose);
    if (reference) targets.push(reference[1]);
  }
  return targets;
}

/** What is wrong with each relative link of one file (empty when all resolve). */
function brokenLinks(file: string, markdown: string, read: (absolute: string) => string | undefined): string[] {
  const broken: string[] = [];
  for (const target of links(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto: — not ours to check
    const [rawPath, rawAnchor] = target.split('#', 2);
    const absolute = rawPath ? path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(rawPath)) : path.join(ROOT, file);
    if (!fs.existsSync(absolute)) {
      broken.push(`${target}: no such file`);
      continue;
    }
    if (rawAnchor === undefined || !absolute.endsWith('.md')) continue;
    const text = read(absolute);
    if (text === undefined || !anchors(text).has(decodeURIComponent(rawAnchor))) broken.push(`${target}: no such heading`);
  }
  return broken;
}

/** Source, script and deployment files of the repository (not dependencies, builds or caches). */
function codeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', 'data', 'coverage'].includes(entry.name) || entry.name.startsWith('.') ? [] : codeFiles(full);
    return /\.(ts|tsx|mjs|js|sh|ya?ml)$/.test(entry.name) ? [full] : [];
  });
}

const readFile = (absolute: string) => (fs.existsSync(absolute) ? fs.readFileSync(absolute, 'utf8') : undefined);

describe('documentation links', () => {
  it('makes anchors as GitHub does', () => {
    expect(slug("The BFF's HTTP API")).toBe('the-bffs-http-api');
    expect(slug('State machine, API mode (`run-saga.ts`, `compensator.ts`)')).toBe('state-machine-api-mode-run-sagats-compensatorts');
    expect(slug('Scale-out: sessions on Redis Cluster or Sentinel')).toBe('scale-out-sessions-on-redis-cluster-or-sentinel');
    expect([...anchors('# A\n## B\n```\n## not a heading\n```\n## B\n')]).toEqual(['a', 'b', 'b-1']);
  });

  it('finds a broken file and a broken anchor', () => {
    const markdown = '[ok](ARCHITECTURE.md#folders) [file](docs/nowhere.md) [anchor](ARCHITECTURE.md#nowhere) `[code](nowhere.md)` [web](https://example.com/x)';
    expect(brokenLinks('README.md', markdown, readFile)).toEqual(['docs/nowhere.md: no such file', 'ARCHITECTURE.md#nowhere: no such heading']);
  });

  it.each(docs)('%s: every relative link and anchor resolves', (file) => {
    const markdown = fs.readFileSync(path.join(ROOT, file), 'utf8');
    expect(brokenLinks(file, markdown, readFile)).toEqual([]);
  });

  it('resolves every docs/…md#anchor a comment of the code cites', () => {
    const cite = /\bdocs\/[\w-]+\.md(?:#[\p{L}\p{N}_-]+)?/gu;
    const cited = codeFiles(ROOT)
      .filter((file) => file !== __filename) // its own examples of broken links
      .flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(cite)].map((m) => ({ file: path.relative(ROOT, file), target: m[0] })));
    expect(cited.length).toBeGreaterThan(10);
    const broken = cited.flatMap(({ file, target }) => brokenLinks('README.md', `[x](${target})`, readFile).map((problem) => `${file}: ${problem}`));
    expect(broken).toEqual([]);
  });

  it('checks the topic files the README points to', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const topics = links(readme).filter((t) => t.startsWith('docs/') && t.split('#')[0].endsWith('.md'));
    expect(topics.length).toBeGreaterThanOrEqual(8);
  });
});
