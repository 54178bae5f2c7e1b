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
