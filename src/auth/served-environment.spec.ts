import { servedEnvironment } from './served-environment.js';

const token = (environments: string[] | null) => ({
  name: 't',
  role: 'evaluator' as const,
  tokenId: 't',
  environments,
});

describe('servedEnvironment', () => {
  it('serves a token scoped to one environment that one, and any other token the default', () => {
    expect(servedEnvironment(token(['staging']), 'production')).toBe('staging');
    expect(servedEnvironment(token(null), 'production')).toBe('production');
    expect(servedEnvironment(token(['staging', 'dev']), 'production')).toBe('production');
    expect(servedEnvironment(token([]), 'production')).toBe('production');
  });
});
