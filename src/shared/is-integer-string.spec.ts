import { validate } from 'class-validator';
import { IsIntegerString } from './validators.js';

class Query {
  @IsIntegerString(1, 1000)
  limit?: unknown;

  @IsIntegerString(0)
  after?: unknown;
}

async function messages(values: Partial<Query>): Promise<Record<string, string[]>> {
  const errors = await validate(Object.assign(new Query(), { limit: '1', after: '0', ...values }));
  return Object.fromEntries(errors.map((e) => [e.property, Object.values(e.constraints ?? {})]));
}

describe('IsIntegerString', () => {
  it('accepts digit strings within the bounds, both ends included', async () => {
    expect(await messages({ limit: '1', after: '0' })).toEqual({});
    expect(await messages({ limit: '1000', after: '9007199254740991' })).toEqual({});
  });

  it.each(['0', '1001', '-1', '+5', '1.5', '1e2', '0x10', ' 5', '', 'abc'])(
    'refuses limit %p, naming the range',
    async (limit) => {
      expect(await messages({ limit })).toEqual({ limit: ['must be an integer from 1 to 1000'] });
    },
  );

  it('refuses what is not a string, such as a repeated query parameter or a number', async () => {
    expect(await messages({ limit: ['1', '2'] })).toEqual({ limit: ['must be an integer from 1 to 1000'] });
    expect(await messages({ limit: 5 })).toEqual({ limit: ['must be an integer from 1 to 1000'] });
  });

  it('states only the lower bound when there is no upper one, and refuses unsafe integers', async () => {
    expect(await messages({ after: '-1' })).toEqual({ after: ['must be an integer ≥ 0'] });
    expect(await messages({ after: '9007199254740993' })).toEqual({ after: ['must be an integer ≥ 0'] });
  });
});
