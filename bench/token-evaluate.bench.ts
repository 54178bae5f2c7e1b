/**
 * Issue 14: POST /v1/evaluate with a token issued at run time (POST /v1/tokens, an event of the log)
 * against the same with a FLAGLEDGER_TOKENS token, on the same real server and bodies
 * (bench/evaluate-pairs.ts). Target: ≥ 95 %: an issued token is looked up in memory, like a configured one.
 *
 *   npm run bench:tokens [-- <seconds per run> <runs per token> <connections>]   (defaults 5 × 8, 50)
 */
import { compareEvaluatePairs, post } from './evaluate-pairs.js';
import { auth } from './support.js';

await compareEvaluatePairs({
  port: 3487,
  target: 0.95,
  setup: async (server) => {
    const issued = (await post(server, '/v1/tokens', { name: 'bench-service', role: 'evaluator' })) as {
      secret: string;
    };
    return [
      { label: 'configured token (FLAGLEDGER_TOKENS)', path: '/v1/evaluate', authorization: auth.authorization },
      { label: 'issued token (POST /v1/tokens)', path: '/v1/evaluate', authorization: `Bearer ${issued.secret}` },
    ];
  },
});
