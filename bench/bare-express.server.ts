/**
 * The baseline for bench/evaluate-http.bench.ts: a bare Express 5 JSON endpoint, started as a child process
 * exactly as the real server is (node <script>, PORT from the environment). express.json() and a handler
 * answering an object of the same shape and size as POST /v1/evaluate's, with Express set up as the real
 * server sets it (no X-Powered-By, no ETag), so both send the same headers. No auth, no validation, no engine.
 */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.json());
app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/v1/evaluate', (req, res) => {
  const { flagKey } = req.body as { flagKey: string };
  res.json({ flagKey, enabled: true, reason: 'ROLLOUT_IN', bucket: 42, flagVersion: 1 });
});
app.listen(Number(process.env.PORT ?? 3000));
