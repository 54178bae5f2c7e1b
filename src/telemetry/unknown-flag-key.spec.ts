import { FLAG_KEY_PATTERN } from '../flags/commands/requests/flag-field.validators.js';
import { UNKNOWN_FLAG_KEY } from './unknown-flag-key.js';

describe('UNKNOWN_FLAG_KEY', () => {
  // If the key rules ever allowed it, a flag could be created under this name and inherit every stray count.
  it('is no key a flag can be created with', () => {
    expect(FLAG_KEY_PATTERN.test(UNKNOWN_FLAG_KEY)).toBe(false);
  });
});
