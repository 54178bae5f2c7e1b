import { FLAG_KEY_PATTERN, type FlagState, type FlagStateReader } from '../flags/index.js';
import { UNKNOWN_FLAG_KEY } from '../telemetry/index.js';
import { countedFlagKey } from './counted-flag-key.js';

describe('UNKNOWN_FLAG_KEY', () => {
  // If the key rules ever allowed it, a flag could be created under this name and inherit every stray count.
  it('is no key a flag can be created with', () => {
    expect(FLAG_KEY_PATTERN.test(UNKNOWN_FLAG_KEY)).toBe(false);
  });
});

describe('countedFlagKey', () => {
  const flags = { get: (key: string) => (key === 'checkout' ? ({ key } as FlagState) : undefined) } as FlagStateReader;

  it('counts a flag under its own key', () => {
    expect(countedFlagKey('checkout', flags.get('checkout'))).toBe('checkout');
  });

  it('counts a key that is no flag under UNKNOWN_FLAG_KEY', () => {
    expect(countedFlagKey('made-up-42', flags.get('made-up-42'))).toBe(UNKNOWN_FLAG_KEY);
  });
});
