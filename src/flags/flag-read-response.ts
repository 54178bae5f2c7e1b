import type { Response } from 'express';
import { ifNoneMatchNames } from '../http/index.js';
import { etagOf } from './etag.js';

/**
 * A flag read: the version as a strong ETag, and 304 when the client holds that version. A past state is
 * immutable, so its version is as good an ETag as the current one.
 */
export function sendFlagRead(
  res: Response,
  version: number,
  ifNoneMatch: string | undefined,
  body: () => Promise<unknown> | unknown,
): Promise<void> {
  const etag = etagOf(version);
  res.setHeader('ETag', etag);
  if (ifNoneMatchNames(ifNoneMatch, etag)) {
    res.status(304).end();
    return Promise.resolve();
  }
  return Promise.resolve(body()).then((answer) => {
    res.json(answer);
  });
}
