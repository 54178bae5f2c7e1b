import type { EnvironmentType } from './environment.js';

export interface Change<T> {
  from: T;
  to: T;
}

export interface EnvironmentCreatedData {
  key: string;
  name: string;
  type: EnvironmentType;
  requiredApprovals: number;
}

/** Only the fields that changed, each from → to. */
export interface EnvironmentChangedData {
  name?: Change<string>;
  type?: Change<EnvironmentType>;
  requiredApprovals?: Change<number>;
}

export type EnvironmentEvent =
  | { type: 'EnvironmentCreated'; data: EnvironmentCreatedData }
  | { type: 'EnvironmentChanged'; data: EnvironmentChangedData };

export const ENVIRONMENT_EVENT_TYPES = ['EnvironmentCreated', 'EnvironmentChanged'] as const;
export const ENVIRONMENT_EVENT_SCHEMA_VERSION = 1;

export function isEnvironmentEventType(type: string): type is EnvironmentEvent['type'] {
  return (ENVIRONMENT_EVENT_TYPES as readonly string[]).includes(type);
}
