import { storageFailureOf } from './storage-failure.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('storageFailureOf', () => {
  it.each([
    ['SQLITE_FULL', 'full'],
    ['SQLITE_IOERR', 'unavailable'],
    ['SQLITE_IOERR_WRITE', 'unavailable'],
    ['SQLITE_READONLY', 'unavailable'],
    ['SQLITE_READONLY_DBMOVED', 'unavailable'],
    ['SQLITE_BUSY', 'unavailable'],
    ['SQLITE_CANTOPEN', 'unavailable'],
    ['53100', 'full'],
    ['53200', 'unavailable'],
    ['08006', 'unavailable'],
    ['57P01', 'unavailable'],
    ['57P03', 'unavailable'],
    ['57014', 'unavailable'],
    ['55P03', 'unavailable'],
    ['25006', 'unavailable'],
    ['ECONNREFUSED', 'unavailable'],
    ['ECONNRESET', 'unavailable'],
    ['ENOSPC', 'full'],
  ])('given a database error with code %s, it is a storage failure: %s', (code, failure) => {
    expect(storageFailureOf(withCode(code))).toBe(failure);
  });

  it("given pg's own connection messages, the store is unavailable", () => {
    for (const message of ['Connection terminated unexpectedly', 'timeout exceeded when trying to connect'])
      expect(storageFailureOf(new Error(message))).toBe('unavailable');
  });

  it('given anything else (a constraint, a syntax error, a bug), it is no storage failure and stays a 500', () => {
    for (const error of [
      withCode('SQLITE_CONSTRAINT_UNIQUE'),
      withCode('SQLITE_ERROR'),
      withCode('23505'),
      withCode('42601'),
      withCode('40P01'),
      new TypeError('undefined is not a function'),
      'a string',
      null,
      undefined,
    ])
      expect(storageFailureOf(error)).toBeUndefined();
  });
});
