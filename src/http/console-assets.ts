import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler } from 'express';

/**
 * The console (src/console, built by `npm run build` into dist/console) at `/`, from the same port as the
 * API. Asset names carry a content hash, so they are cached for good; index.html never is, so a new
 * build is seen at the next load. The console routes by the URL's fragment, so `/` is its only page.
 * None when the directory holds no build (the tests of the API alone).
 */
export function consoleAssets(dir: string | undefined): RequestHandler[] {
  if (dir === undefined || !existsSync(join(dir, 'index.html'))) return [];
  const index = join(dir, 'index.html');
  return [
    (req, res, next) => {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/') return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    },
    express.static(dir, {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (res, path) => {
        if (path.includes(`${join(dir, 'assets')}`))
          res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  ];
}
