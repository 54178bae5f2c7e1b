import { SseParser } from './sse-parser.js';

describe('SseParser', () => {
  it('parses events split across chunks at any byte', () => {
    const text =
      'id: 5\nevent: flag\ndata: {"seq":5}\n\n: heartbeat\n\nevent: snapshot\nid: 9\ndata: {"a":\ndata: 1}\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([
        { event: 'flag', data: '{"seq":5}', id: '5' },
        { event: 'snapshot', data: '{"a":\n1}', id: '9' },
      ]);
    }
  });

  it('accepts CRLF and CR line ends, and defaults the event name to message', () => {
    expect(new SseParser().push('data: x\r\n\r\ndata: y\r\r')).toEqual([
      { event: 'message', data: 'x', id: undefined },
      { event: 'message', data: 'y', id: undefined },
    ]);
  });

  it('produces nothing for comments (heartbeats) and blank lines', () => {
    expect(new SseParser().push(': heartbeat\n\n\n')).toEqual([]);
  });
});
