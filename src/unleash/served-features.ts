import { Injectable } from '@nestjs/common';
import { takeFlagSnapshot } from '../delivery/index.js';
import { FlagStateReader } from '../flags/index.js';
import { sha256Hex } from '../shared/index.js';
import { unleashClientFeatures } from './unleash-feature.js';

/** The body GET /api/client/features serves an environment, its ETag, and the seq it is the state at. */
export interface ServedFeaturesBody {
  readonly seq: number;
  readonly body: string;
  readonly etag: string;
}

/**
 * Each environment's features body, built once per applied seq: SDKs poll every few seconds and most
 * polls find nothing changed, so mapping, serialising and hashing every flag per request would be work
 * thrown away. Flag states change only as events are applied, each moving the seq, so a body built at
 * the current seq is the current body. One entry per environment, and environments are few.
 */
@Injectable()
export class ServedFeatures {
  private readonly byEnvironment = new Map<string, ServedFeaturesBody>();

  constructor(private readonly flags: FlagStateReader) {}

  of(environment: string): ServedFeaturesBody {
    const cached = this.byEnvironment.get(environment);
    if (cached !== undefined && cached.seq === this.flags.appliedSeq) return cached;
    const snapshot = takeFlagSnapshot(this.flags, environment);
    const body = JSON.stringify(unleashClientFeatures(snapshot.flags));
    const served = { seq: snapshot.headSeq, body, etag: `"${sha256Hex(body)}"` };
    this.byEnvironment.set(environment, served);
    return served;
  }
}
