import { MAX_RESUME_GAP } from './delivery-options.js';
import { resumePoint } from './resume-point.js';

describe('resumePoint', () => {
  it('starts with a snapshot without a Last-Event-ID', () => {
    expect(resumePoint(undefined, 10)).toEqual({ kind: 'snapshot' });
  });

  it('replays after an id between 0 and the head', () => {
    expect(resumePoint('0', 10)).toEqual({ kind: 'replay', afterSeq: 0 });
    expect(resumePoint('7', 10)).toEqual({ kind: 'replay', afterSeq: 7 });
    expect(resumePoint('10', 10)).toEqual({ kind: 'replay', afterSeq: 10 });
  });

  it('starts with a snapshot for an id that is not a non-negative integer', () => {
    for (const id of ['', 'abc', '-1', '1.5', '1e3', ' 5', '5 ', '05', '0x10', '99999999999999999999']) {
      expect(resumePoint(id, 10)).toEqual({ kind: 'snapshot' });
    }
  });

  it('starts with a snapshot for an id ahead of the head', () => {
    expect(resumePoint('11', 10)).toEqual({ kind: 'snapshot' });
  });

  it(`replays at most ${MAX_RESUME_GAP} events and starts with a snapshot beyond`, () => {
    expect(resumePoint('1000', 1000 + MAX_RESUME_GAP)).toEqual({ kind: 'replay', afterSeq: 1000 });
    expect(resumePoint('999', 1000 + MAX_RESUME_GAP)).toEqual({ kind: 'snapshot' });
  });
});
