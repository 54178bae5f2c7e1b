import { ValidationFailedError } from '../shared/index.js';
import { ofrepContext } from './ofrep-context.js';

const refusal = (body: unknown) => {
  try {
    ofrepContext(body);
  } catch (error) {
    return error instanceof ValidationFailedError ? error.errors : error;
  }
  return 'accepted';
};

describe('ofrepContext', () => {
  it('reads targetingKey as the userId and segment as the segment, ignoring every other attribute', () => {
    expect(ofrepContext({ context: { targetingKey: 'u-1', segment: 'beta', plan: 'gold', nested: { a: 1 } } })).toEqual(
      {
        userId: 'u-1',
        segment: 'beta',
      },
    );
    expect(ofrepContext({ context: { targetingKey: '' } })).toEqual({ userId: '' });
    expect(ofrepContext({ context: { targetingKey: null, segment: null } })).toEqual({});
  });

  it('takes no body, no context and a null context as the empty context', () => {
    expect(ofrepContext(undefined)).toEqual({});
    expect(ofrepContext({})).toEqual({});
    expect(ofrepContext({ context: null })).toEqual({});
  });

  it('refuses a body that is no object, a context that is no object, and attributes it cannot read', () => {
    expect(refusal([])).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    expect(refusal('x')).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    expect(refusal({ context: [] })).toEqual([{ field: 'context', message: 'must be an object' }]);
    expect(refusal({ context: { targetingKey: 42 } })).toEqual([
      { field: 'context.targetingKey', message: 'must be a string of at most 1024 characters' },
    ]);
    expect(refusal({ context: { targetingKey: 'x'.repeat(1025) } })).toMatchObject([{ field: 'context.targetingKey' }]);
    expect(refusal({ context: { targetingKey: 'x'.repeat(1024) } })).toBe('accepted');
    expect(refusal({ context: { segment: 'x'.repeat(201) } })).toMatchObject([{ field: 'context.segment' }]);
  });
});
