import { pageOf } from './audit-page.js';

const rows = (...seqs: number[]) => seqs.map((seq) => ({ seq }));

describe('pageOf', () => {
  it('returns every row and no cursor when fewer than limit + 1 were fetched', () => {
    expect(pageOf(rows(3, 5), 2)).toEqual({ items: rows(3, 5), nextCursor: null });
  });

  it('drops the look-ahead row and points the cursor at the last row kept', () => {
    expect(pageOf(rows(3, 5, 8), 2)).toEqual({ items: rows(3, 5), nextCursor: 5 });
  });

  it('answers an empty page with no cursor', () => {
    expect(pageOf([], 100)).toEqual({ items: [], nextCursor: null });
  });
});
