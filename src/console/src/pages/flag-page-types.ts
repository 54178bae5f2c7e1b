import type { ProposedCommand } from '../change-requests';
import type { HistoryEntry } from '../history-diff';
import type { Environment, Flag } from '../types';

/**
 * What the flag page's parts pass each other: the page (flag.tsx) loads a FlagView and hands each panel a
 * Write; the panels and their forms share one environment's state and the command being confirmed. Kept
 * apart so the parts import these, not each other.
 */
export interface EnvironmentState {
  enabled: boolean;
  rolloutPercentage: number;
  targetSegments: string[];
  killSwitch: boolean;
  lastEvaluatedAt?: string | null;
}

export type Pending =
  | { kind: Exclude<ProposedCommand, 'rollout' | 'segments'> }
  | { kind: 'rollout'; percentage: number }
  | { kind: 'segments'; segments: string[] };

/**
 * Runs a write against the version on screen. A 412 never overwrites: it becomes a Conflict naming who
 * changed the flag meanwhile, and the page offers a reload.
 */
export type Write = (method: string, path: string, body: Record<string, unknown>) => Promise<void>;

export interface FlagView {
  flag: Flag;
  /** What users got after each event, per environment (from the history). */
  rollout: { times: number[]; series: Record<string, number[]> };
  /** Evaluations per hour over the last week, per environment (telemetry, not events). */
  evaluations: { times: number[]; series: Record<string, number[]> };
  /** The version on screen: every write sends it as If-Match. */
  version: number;
  environments: Environment[];
  states: Record<string, EnvironmentState>;
  history: HistoryEntry[];
}
