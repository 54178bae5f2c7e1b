/**
 * Issue 12: POST /v1/environments/:env/evaluate against POST /v1/evaluate on the same real server, the
 * same 10 flags at 50 % in both environments (staging's state copied from production), the same bodies
 * (bench/evaluate-pairs.ts). Target: ≥ 90 %.
 *
 *   npm run bench:environments [-- <seconds per run> <runs per route> <connections>]   (defaults 5 × 8, 50)
 */
import { compareEvaluatePairs, post } from './evaluate-pairs.js';
import { auth } from './support.js';

await compareEvaluatePairs({
  port: 3485,
  target: 0.9,
  setup: async (server) => {
    await post(server, '/v1/environments', { key: 'staging', name: 'Staging', type: 'staging' });
    for (let i = 0; i < 10; i++)
      await post(server, `/v1/environments/staging/flags/bench-flag-${i}/copy-from/production`, {});
    return [
      { label: 'POST /v1/evaluate', path: '/v1/evaluate', authorization: auth.authorization },
      {
        label: 'POST /v1/environments/staging/evaluate',
        path: '/v1/environments/staging/evaluate',
        authorization: auth.authorization,
      },
    ];
  },
});
