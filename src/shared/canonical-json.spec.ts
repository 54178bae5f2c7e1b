import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same text whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: 'é', z: null })).toBe(canonicalJson({ z: null, y: 'é', x: 1 }));
  });

  it('writes primitives as JSON does', () => {
    expect([canonicalJson('a"b'), canonicalJson(1.5), canonicalJson(true), canonicalJson(null)]).toEqual([
      '"a\\"b"',
      '1.5',
      'true',
      'null',
    ]);
  });
});
