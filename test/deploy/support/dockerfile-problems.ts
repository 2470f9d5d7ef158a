import { finalStage } from '../../system/support/assemble-image-tree';

/** The ENV settings of the final stage (`ENV A=1 B=2`, continued lines joined). */
export function imageEnv(dockerfile: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, pairs] of finalStage(dockerfile).matchAll(/^ENV +(.+)$/gm)) for (const [, k, v] of pairs.matchAll(/(\w+)=(\S+)/g)) env[k] = v;
  return env;
}

/**
 * What docker/Dockerfile must hold (docs/deployment.md): a build that runs `npm run build`, a
 * runtime with the production packages only, a numeric non-root user, every data path on a
 * declared VOLUME, and a HEALTHCHECK.
 */
export function dockerfileProblems(dockerfile: string): string[] {
  const problems: string[] = [];
  const text = dockerfile.replace(/\\\n/g, ' ');
  const stages = new Map([...text.matchAll(/^FROM +\S+(?: +AS +(\S+))?\n([\s\S]*?)(?=^FROM |(?![\s\S]))/gm)].map(([, name, body]) => [name ?? 'final', body]));
  const last = finalStage(dockerfile);
  if (!/^RUN npm run build$/m.test(stages.get('build') ?? '')) problems.push('the build stage does not run `npm run build`');
  const modules = last.match(/^COPY --from=(\S+) \/app\/node_modules /m);
  if (!modules || !/^RUN npm ci --omit=dev\b/m.test(stages.get(modules[1]) ?? '')) problems.push('node_modules of the image do not come from `npm ci --omit=dev`');
  const user = last.match(/^USER +(\d+)(?::(\d+))?$/m);
  if (!user || user[1] === '0') problems.push('USER is not a numeric non-root user');
  const volumes = [...last.matchAll(/^VOLUME +\[(.+)\]$/gm)].flatMap(([, list]) => JSON.parse(`[${list}]`) as string[]);
  if (volumes.length === 0) problems.push('no VOLUME');
  const env = imageEnv(dockerfile);
  for (const key of Object.keys(env).filter((k) => k === 'FILES_DIR' || k.endsWith('_SQLITE_FILE'))) {
    if (!volumes.some((v) => env[key].startsWith(`${v}/`))) problems.push(`${key} (${env[key]}) is on no VOLUME`);
  }
  if (!env.FILES_DIR) problems.push('FILES_DIR is not set');
  if (!/^HEALTHCHECK .*CMD /m.test(last)) problems.push('no HEALTHCHECK');
  return problems;
}
