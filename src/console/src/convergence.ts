/** GET /v1/flags/:key/convergence (docs/contract.md §11), as the flag page shows it. */
export interface LaggingClient {
  kind: 'flagledger-sdk' | 'unleash' | 'ofrep';
  appName: string | null;
  instanceId: string | null;
  appliedSeq: number | null;
  lastSeen: string;
}

export interface Convergence {
  environment: string;
  latestChange: { seq: number; type: string; at: string; actor: string };
  clients: number;
  applied: number;
  unknown: number;
  notApplied: LaggingClient[];
}

/** The latest change as an operator names it: "kill switch" for the one that matters most in an incident. */
const CHANGE_NAMES: Record<string, string> = {
  FlagKillSwitchEngaged: 'Kill switch',
  FlagKillSwitchReleased: 'Kill switch release',
  FlagEnabled: 'Enable',
  FlagDisabled: 'Disable',
  FlagRolloutChanged: 'Rollout change',
  FlagSegmentsChanged: 'Segments change',
  FlagStateCopied: 'Promotion',
  FlagCreated: 'Creation',
  FlagArchived: 'Archive',
  FlagRestored: 'Restore',
};

const clientsText = (n: number) => `${n} client${n === 1 ? '' : 's'}`;

/** "Kill switch applied by 48 of 50 clients", plus how many never said what they hold. */
export function convergenceText(c: Convergence): string {
  const change = CHANGE_NAMES[c.latestChange.type] ?? 'Latest change';
  if (c.clients === 0)
    return `${change} (seq ${c.latestChange.seq}): no client followed ${c.environment} in the last hour.`;
  const unknown = c.unknown === 0 ? '' : `; ${clientsText(c.unknown)} did not say which seq they hold`;
  return `${change} (seq ${c.latestChange.seq}) applied by ${c.applied} of ${clientsText(c.clients)}${unknown}.`;
}

export const CLIENT_KIND_NAMES: Record<LaggingClient['kind'], string> = {
  'flagledger-sdk': 'Flagledger SDK',
  unleash: 'Unleash SDK',
  ofrep: 'OpenFeature (OFREP)',
};
