/** One history entry as the console reads it (GET /v1/flags/:key/history?environment=*). */
export interface HistoryEntry {
  seq: number;
  version: number;
  type: string;
  actor: string;
  /** The issued token that made the change; absent for a bootstrap token. */
  actorTokenId?: string;
  at: string;
  reason: string | null;
  from: unknown;
  to: unknown;
  environment: string | null;
}

/** The field each single-value event changes. */
const FIELD_OF_TYPE: Record<string, string> = {
  FlagEnabled: 'enabled',
  FlagDisabled: 'enabled',
  FlagRolloutChanged: 'rolloutPercentage',
  FlagSegmentsChanged: 'targetSegments',
  FlagKillSwitchEngaged: 'killSwitch',
  FlagKillSwitchReleased: 'killSwitch',
  FlagArchived: 'archived',
  FlagRestored: 'archived',
};

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** An entry as field-by-field before → after; FlagCreated shows what it set (before: nothing). */
export function fieldChanges(entry: HistoryEntry): FieldChange[] {
  const field = FIELD_OF_TYPE[entry.type];
  if (field !== undefined) return [{ field, from: entry.from, to: entry.to }];
  const from = (entry.from ?? {}) as Record<string, unknown>;
  const to = (entry.to ?? {}) as Record<string, unknown>;
  return Object.keys(to)
    .filter((name) => name !== 'environment' && JSON.stringify(from[name]) !== JSON.stringify(to[name]))
    .map((name) => ({ field: name, from: entry.type === 'FlagCreated' ? undefined : from[name], to: to[name] }));
}

export function showValue(value: unknown): string {
  if (value === undefined) return '—';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : value.join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Per environment, the effective rollout after each entry: 0 when off or killed (what users get). */
export function rolloutSeries(
  entries: readonly HistoryEntry[],
  environments: readonly string[],
  defaultEnvironment: string,
): { times: number[]; series: Record<string, number[]> } {
  const state = new Map(environments.map((e) => [e, { enabled: false, rollout: 100, killed: false }]));
  const times: number[] = [];
  const series: Record<string, number[]> = Object.fromEntries(environments.map((e) => [e, [] as number[]]));
  for (const entry of entries) {
    if (entry.type === 'FlagCreated') {
      const created = entry.to as { enabled: boolean; rolloutPercentage: number; killSwitch: boolean };
      state.set(entry.environment ?? defaultEnvironment, {
        enabled: created.enabled,
        rollout: created.rolloutPercentage,
        killed: created.killSwitch,
      });
    } else if (entry.environment !== null && state.has(entry.environment)) {
      const s = state.get(entry.environment)!;
      if (entry.type === 'FlagEnabled' || entry.type === 'FlagDisabled') s.enabled = entry.to as boolean;
      if (entry.type === 'FlagRolloutChanged') s.rollout = entry.to as number;
      if (entry.type === 'FlagKillSwitchEngaged' || entry.type === 'FlagKillSwitchReleased')
        s.killed = entry.to as boolean;
      if (entry.type === 'FlagStateCopied') {
        const copied = entry.to as { enabled: boolean; rolloutPercentage: number; killSwitch: boolean };
        Object.assign(s, { enabled: copied.enabled, rollout: copied.rolloutPercentage, killed: copied.killSwitch });
      }
    }
    times.push(Date.parse(entry.at) / 1000);
    for (const e of environments) {
      const s = state.get(e)!;
      series[e]!.push(s.enabled && !s.killed ? s.rollout : 0);
    }
  }
  return { times, series };
}
