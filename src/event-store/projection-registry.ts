import { Injectable } from '@nestjs/common';
import type { TransactionalProjection } from './event-store.js';

/**
 * The projections that live in the database. Each registers itself at construction; the store applies
 * all of them inside every append, and start-up catch-up brings each one to the head.
 */
@Injectable()
export class ProjectionRegistry {
  private readonly projections: TransactionalProjection[] = [];
  private readonly rebuiltListeners: (() => Promise<void>)[] = [];

  register(projection: TransactionalProjection): void {
    if (this.projections.some((p) => p.name === projection.name)) {
      throw new Error(`projection '${projection.name}' is registered twice`);
    }
    this.projections.push(projection);
  }

  all(): readonly TransactionalProjection[] {
    return this.projections;
  }

  /** In-memory views derived from projection tables reload through this after a rebuild swapped them. */
  onRebuilt(listener: () => Promise<void>): void {
    this.rebuiltListeners.push(listener);
  }

  async notifyRebuilt(): Promise<void> {
    for (const listener of this.rebuiltListeners) await listener();
  }
}
