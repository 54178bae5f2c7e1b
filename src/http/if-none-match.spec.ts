import { ifNoneMatchNames } from './if-none-match.js';

describe('ifNoneMatchNames', () => {
  it('matches the tag itself, its weak form, and a list that holds it', () => {
    expect(ifNoneMatchNames('"a"', '"a"')).toBe(true);
    expect(ifNoneMatchNames('W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchNames('"b", W/"a" ,"c"', '"a"')).toBe(true);
  });

  it('does not match no header, another tag, or the tag without its quotes', () => {
    expect(ifNoneMatchNames(undefined, '"a"')).toBe(false);
    expect(ifNoneMatchNames('"b"', '"a"')).toBe(false);
    expect(ifNoneMatchNames('a', '"a"')).toBe(false);
    expect(ifNoneMatchNames('', '"a"')).toBe(false);
  });
});
