import fc from 'fast-check';

/** A value with what is wrong about it, so a counterexample says which rule it broke. */
export interface Labelled<T> {
  label: string;
  value: T;
}

/** One part of a request: values the route accepts and, where the part can be wrong, values it refuses. */
export interface Part<T> {
  valid: fc.Arbitrary<T>;
  invalid?: fc.Arbitrary<Labelled<T>>;
}

export type Header = [name: string, value: string];

export const constantPart = <T>(value: T): Part<T> => ({ valid: fc.constant(value) });

/** What the fuzzed server holds before the first request, so valid parts can name it. */
export interface Seeded {
  /** Every flag's key, archived ones included: what `:key` may be. */
  flagKeys: readonly string[];
  /** The flags a change request may change (not archived), each at its version. */
  liveFlags: ReadonlyArray<{ key: string; version: number }>;
  /** The change requests: what `:id` may be. */
  changeRequestIds: readonly string[];
}
