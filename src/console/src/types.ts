import type { Role } from './api';

/** What the API answers, as the console reads it (docs/contract.md §1, §5, §7). */
export const FLAG_TYPES = ['release', 'operational', 'experiment', 'permission'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];
export const ENVIRONMENT_TYPES = ['development', 'test', 'staging', 'production'] as const;

export interface Flag {
  key: string;
  type: FlagType;
  enabled: boolean;
  rolloutPercentage: number;
  targetSegments: string[];
  killSwitch: boolean;
  owner: string;
  expiresAt: string | null;
  description: string | null;
  ticket: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  archived: boolean;
  lastEvaluatedAt?: string | null;
}

export interface Environment {
  key: string;
  name: string;
  type: string;
  requiredApprovals: number;
  createdBy: string | null;
  createdAt: string | null;
}

export interface StaleFlag {
  key: string;
  rule: string;
  rules: string[];
  owner: string;
  ticket: string | null;
  ageDays: number;
  lastEvaluatedAt: string | null;
}

/** A token as GET /v1/tokens lists it (docs/contract.md §9): never its secret. */
export interface Token {
  id: string;
  name: string;
  role: Role;
  /** Where it may act; null: every environment. */
  environments: string[] | null;
  expiresAt: string | null;
  createdBy: string | null;
  createdAt: string | null;
  revokedAt: string | null;
  /** Absent from servers that do not keep it yet; null: never used. */
  lastUsedAt?: string | null;
  /** `config`: FLAGLEDGER_TOKENS, a bootstrap credential the API cannot revoke or rotate. */
  source: 'config' | 'api';
}

/** A flag's state in one environment as one word: what an operator scans a table for. */
export function statusOf(flag: Pick<Flag, 'enabled' | 'rolloutPercentage' | 'killSwitch'>): string {
  if (flag.killSwitch) return 'killed';
  if (!flag.enabled) return 'off';
  return flag.rolloutPercentage === 100 ? 'on' : `${flag.rolloutPercentage} %`;
}

/** Dates as the people reading them expect: the instant, to the minute, in UTC (the log's time). */
export function shortTime(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
}

/** The change request whose apply wrote a history entry (docs/contract.md §10); absent on direct changes. */
export interface ChangeRequestTrace {
  id: string;
  author: string;
  approvers: string[];
}
