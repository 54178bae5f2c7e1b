import type { FlagDetails, FlagType } from './flag.events.js';

export interface CreateFlagInput {
  key: string;
  type: FlagType;
  owner: string;
  expiresAt?: string | null;
  enabled?: boolean;
  rolloutPercentage?: number;
  targetSegments?: string[];
  killSwitch?: boolean;
  description?: string | null;
  ticket?: string | null;
}

/**
 * Every change a user can ask of a flag; the decider turns one into zero or one event. State commands act
 * in the environment the command names; definition commands (details, archive, restore) in all of them.
 */
export type FlagCommand =
  | { kind: 'create'; input: CreateFlagInput }
  | { kind: 'enable' }
  | { kind: 'disable' }
  /** `breakGlass`: engaged directly in a protected environment; the event records it. */
  | { kind: 'engageKillSwitch'; breakGlass?: true }
  | { kind: 'releaseKillSwitch' }
  | { kind: 'changeRollout'; percentage: number }
  | { kind: 'changeSegments'; segments: string[] }
  | { kind: 'changeDetails'; changes: Partial<FlagDetails> }
  | { kind: 'archive' }
  | { kind: 'restore' }
  | { kind: 'copyState'; from: string };

export type FlagCommandKind = FlagCommand['kind'];
