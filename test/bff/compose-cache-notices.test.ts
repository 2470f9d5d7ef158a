import { dropTestData } from '../services/support/service-harness';
import { startSystemWithServices, type BffSystem } from '../support/system';
import type { Agent } from '../support/login';
import { waitFor } from '../services/support/consistency-expect';
import { validContract } from '../support/valid-contract';

const TERMINAL = ['END', 'CANCEL'];

describe('the composition cache never outlives a change the services announced', () => {
  let sys: BffSystem;
  let closeAll: () => Promise<void>;
  let pc: Agent;
  let mobile: Agent;

  beforeAll(async () => {
    // A long cache life, so that only the change notice can explain a fresh answer.
    ({ sys, close: closeAll } = await startSystemWithServices({ env: { COMPOSE_CACHE_SECONDS: '60' }, services: { tag: 'compose-notices' } }));
    pc = await sys.login(sys.pc);
    mobile = await sys.login(sys.mobile);
  }, 120_000);
  afterAll(async () => {
    await closeAll?.();
    await dropTestData();
  });

  for (const mode of ['api', 'event'] as const) {
    it(`a modify through the mobile app (${mode} mode): the PC detail shows the new contractor as soon as the saga has ended`, async () => {
      const created = await pc.post('/api/contracts').set('X-CSRF', '1').send({ contract: validContract({ contr: '홍길동', payr: '홍길동' }), mode: 'api' }).expect(201);
      const no = created.body.saPponContNo as number;
      await pc.get(`/api/contracts/${no}`).expect(200);
      const cached = await pc.get(`/api/contracts/${no}`).expect(200);
      expect(cached.headers['x-bff-cache']).toBe('HIT');
      expect(cached.body.ppon.contr).toBe('홍길동');

      const change = await mobile.put(`/api/contracts/${no}`).set('X-CSRF', '1').send({ contract: { contr: '유관순' }, mode });
      expect([200, 202]).toContain(change.status);
      const globalNo = change.body.globalNo as string;
      await waitFor('the saga to end', async () => TERMINAL.includes((await mobile.get(`/api/sagas/${globalNo}`).expect(200)).body.state), 20_000, 50);

      const after = await pc.get(`/api/contracts/${no}`).expect(200);
      expect(after.body.ppon.contr).toBe('유관순');
      expect(after.body.inetaplca.contr).toBe('유관순');
      expect(after.body.intelnet.contr).toBe('유관순');
    });
  }
});
