import { it } from 'vitest';
import { buildTestApp } from '../helpers/app.ts';
import { createCycle, registrationBody } from '../helpers/factories.ts';
import { listen, request } from '../helpers/http.ts';
it('explore', async () => {
  const errs: string[] = [];
  const stream = { write: (s: string) => { const o = JSON.parse(s); if (o.level >= 40) errs.push(o.err?.message ?? o.msg); } };
  const t = await buildTestApp({ logger: { level: 'warn', stream } as any, env: { DATABASE_POOL_MAX: process.env.POOL ?? '100' } });
  const base = await listen(t.app);
  for (let round = 0; round < 5; round++) {
    const { cycle } = await createCycle(t.database.db, { capacity: 10 });
    const started = Date.now();
    const res = await Promise.all(Array.from({ length: 200 }, async (_, i) => { const s = Date.now(); const r = await request(base, 'POST', `/api/cycles/${cycle.slug}/registrations`, registrationBody()); return { ...r, ms: Date.now() - s }; }));
    const ms = res.map((r) => r.ms).sort((a, b) => a - b);
    console.log('round', round, Date.now() - started, 'ms', res.filter((r) => r.status !== 201).length, 'non-201', 'p50', ms[100], 'max', ms[199]);
  }
  console.log([...new Set(errs)].slice(0, 5), errs.length);
  await t.close();
}, 300000);
