import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { composeProblems, type Compose } from './support/compose-problems';
import { dockerfileProblems, imageEnv } from './support/dockerfile-problems';

const docker = path.join(__dirname, '..', '..', 'docker');
const read = (file: string) => fs.readFileSync(path.join(docker, file), 'utf8');
const clone = <T>(v: T): T => structuredClone(v);

/**
 * There is no Docker engine on these machines: the image and compose file are checked by reading
 * them (the image's steps themselves run in test/system/production-build.test.ts).
 */
describe('docker/: the image and the compose file', () => {
  const dockerfile = read('Dockerfile');
  const compose = parse(read('compose.yaml'), { merge: true }) as Compose;
  const init = read('mariadb-init/01-users.sh');
  const filesDir = imageEnv(dockerfile).FILES_DIR;

  it('the Dockerfile builds the screens, carries production packages only, runs non-root with its data on a VOLUME, and has a HEALTHCHECK', () => {
    expect(dockerfileProblems(dockerfile)).toEqual([]);
  });

  it('the build context (.dockerignore) carries nothing built or installed here', () => {
    const ignored = fs.readFileSync(path.join(docker, '..', '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'web/dist', 'data', '.git']));
  });

  it('the checks catch a Dockerfile that runs as root, keeps dev packages or writes outside its volume', () => {
    expect(dockerfileProblems(dockerfile.replace(/^USER .*$/m, 'USER 0'))).toContain('USER is not a numeric non-root user');
    expect(dockerfileProblems(dockerfile.replace('npm ci --omit=dev', 'npm ci'))).toContain('node_modules of the image do not come from `npm ci --omit=dev`');
    expect(dockerfileProblems(dockerfile.replace('FILES_DIR=/var/lib/contract-bff/files', 'FILES_DIR=/app/data/files'))).toContain('FILES_DIR (/app/data/files) is on no VOLUME');
    expect(dockerfileProblems(dockerfile.replace(/^HEALTHCHECK[^\n]*\\\n[^\n]*\n/m, ''))).toContain('no HEALTHCHECK');
  });

  it('compose: health checks with start conditions, volumes for Redis, MariaDB and the files, a database user per service, a stop grace longer than the drain', () => {
    expect(composeProblems(compose, init, filesDir)).toEqual([]);
    expect(compose.services['bff-pc'].environment?.ADMIN_PORT).toBeDefined();
  });

  it('the checks catch what they are for', () => {
    const bad = clone(compose);
    bad.services['bff-pc'].depends_on = ['redis'];
    (bad.services.ppon.depends_on as Record<string, { condition?: string }>).kafka = { condition: 'service_started' };
    delete bad.services.intelnet.healthcheck;
    bad.services.redis.volumes = [];
    bad.services.inetaplca.environment!.INETAPLCA_MARIADB_URL = 'mysql://ppon:x@mariadb:3306/sa_inetaplca';
    bad.services['contract-view'].environment!.CONTRACT_VIEW_MARIADB_URL = 'mysql://root:x@mariadb:3306/contract_view';
    bad.services['bff-mobile'].stop_grace_period = '20s';
    bad.services['bff-mobile'].volumes = [];
    expect(composeProblems(bad, init, filesDir).sort()).toEqual(
      [
        'bff-pc: depends_on without conditions (redis)',
        'ppon: depends_on kafka is not condition: service_healthy',
        'intelnet: no healthcheck',
        'ppon: depends on intelnet, which has no healthcheck',
        'bff-mobile: depends on intelnet, which has no healthcheck',
        'redis: no named volume on /data',
        'inetaplca: shares the database user ppon with ppon',
        'inetaplca: the init script does not create user ppon on sa_inetaplca',
        'contract-view: connects as root',
        'contract-view: the init script does not create user root on contract_view',
        'bff-mobile: stop_grace_period must exceed SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS (25000 ms)',
        `bff-mobile: no named volume holds FILES_DIR (${filesDir})`,
      ].sort(),
    );
  });
});
