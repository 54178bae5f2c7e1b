import { Injectable } from '@nestjs/common';

/** Told of every finished flag command and every append it made (GET /metrics counts them). */
export interface FlagCommandOutcomeListener {
  commandFinished?(command: string, outcome: string): void;
  appendTook?(seconds: number): void;
}

/**
 * Where the command handler reports what it did. Observers (metrics) subscribe here, so the write side
 * depends on nobody who watches it: metrics imports flags, never the other way round.
 */
@Injectable()
export class FlagCommandOutcomes {
  private readonly listeners = new Set<FlagCommandOutcomeListener>();

  subscribe(listener: FlagCommandOutcomeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  commandFinished(command: string, outcome: string): void {
    for (const listener of this.listeners) listener.commandFinished?.(command, outcome);
  }

  appendTook(seconds: number): void {
    for (const listener of this.listeners) listener.appendTook?.(seconds);
  }
}
