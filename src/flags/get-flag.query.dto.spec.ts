import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { flagMomentOf, GetFlagQuery } from './get-flag.query.dto.js';
import { describeMoment } from './time-travel/flag-time-travel.js';

const query = (plain: Record<string, string>) => plainToInstance(GetFlagQuery, plain);

async function badFields(plain: Record<string, string>): Promise<string[]> {
  return (await validate(query(plain), { stopAtFirstError: true })).map((e) => e.property);
}

describe('GetFlagQuery', () => {
  it('reads no parameter as the current state', async () => {
    expect(await badFields({})).toEqual([]);
    expect(flagMomentOf(query({}))).toBeUndefined();
  });

  it('reads asOf as an instant and version as a number', async () => {
    expect(await badFields({ asOf: '2026-11-25T12:00:00Z' })).toEqual([]);
    expect(flagMomentOf(query({ asOf: '2026-11-25T12:00:00Z' }))).toEqual({ asOf: '2026-11-25T12:00:00Z' });
    expect(await badFields({ version: '12' })).toEqual([]);
    expect(flagMomentOf(query({ version: '12' }))).toEqual({ version: 12 });
  });

  it('refuses asOf and version together, naming version', async () => {
    const errors = await validate(query({ asOf: '2026-11-25T12:00:00Z', version: '3' }), { stopAtFirstError: true });
    expect(errors.map((e) => [e.property, Object.values(e.constraints ?? {})])).toEqual([
      ['version', ['cannot be combined with asOf: ask for one point in time']],
    ]);
  });

  it('refuses version 0 and anything that is not a positive integer', async () => {
    for (const version of ['0', '-2', '2.0', 'latest']) expect(await badFields({ version })).toEqual(['version']);
  });

  it('names the moment in not-found messages', () => {
    expect(describeMoment({ asOf: '2026-11-25T12:00:00Z' })).toBe('as of 2026-11-25T12:00:00Z');
    expect(describeMoment({ version: 7 })).toBe('at version 7');
  });
});
