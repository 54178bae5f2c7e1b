import { parse } from 'csv-parse/sync';
import type { StoredEvent } from '../event-store/index.js';
import { csvField, csvLine, CsvWriter, CSV_COLUMNS, EnvironmentCsvWriter } from './csv-writer.js';

const event = (overrides: Partial<StoredEvent> = {}): StoredEvent => ({
  seq: 7,
  streamId: 'checkout_v2',
  version: 3,
  type: 'FlagRolloutChanged',
  schemaVersion: 1,
  data: { to: 25, from: 100 },
  actor: 'alice',
  reason: 'ramp',
  at: '2026-11-25T12:00:00.000Z',
  idempotencyKey: null,
  prevHash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  ...overrides,
});

describe('CSV writer', () => {
  it('writes a header row of the exported columns, CRLF-terminated', () => {
    expect(new CsvWriter().header()).toBe('seq,streamId,version,type,actor,at,reason,data,prevHash,hash\r\n');
    expect(CSV_COLUMNS).toHaveLength(10);
  });

  it("adds the environment view's column last, every v1 column in its place, empty for an event of no environment", () => {
    const writer = new EnvironmentCsvWriter((e) => (e.type === 'FlagArchived' ? null : 'staging'));
    expect(writer.header()).toBe('seq,streamId,version,type,actor,at,reason,data,prevHash,hash,environment\r\n');
    const v1 = new CsvWriter().row(event());
    expect(writer.row(event())).toBe(`${v1.slice(0, -2)},staging\r\n`);
    expect(writer.row(event({ type: 'FlagArchived' }))).toBe(
      `${new CsvWriter().row(event({ type: 'FlagArchived' })).slice(0, -2)},\r\n`,
    );
  });

  it('writes data as its canonical JSON text (sorted keys), quoted because it holds commas and quotes', () => {
    const line = new CsvWriter().row(event());
    expect(line).toBe(
      `7,checkout_v2,3,FlagRolloutChanged,alice,2026-11-25T12:00:00.000Z,ramp,"{""from"":100,""to"":25}",${'a'.repeat(64)},${'b'.repeat(64)}\r\n`,
    );
  });

  it('writes a null reason as an empty field', () => {
    const [record] = parse(new CsvWriter().header() + new CsvWriter().row(event({ reason: null })), {
      columns: true,
    }) as Record<string, string>[];
    expect(record!.reason).toBe('');
  });

  it.each([
    ['a plain word', 'ramp', 'ramp'],
    ['a comma', 'a,b', '"a,b"'],
    ['a double quote', 'say "hi"', '"say ""hi"""'],
    ['a CRLF', 'one\r\ntwo', '"one\r\ntwo"'],
    ['a lone LF', 'one\ntwo', '"one\ntwo"'],
    ['a lone CR', 'one\rtwo', '"one\rtwo"'],
    ['an empty string', '', ''],
  ])('quotes per RFC 4180: %s', (_label, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it.each([
    ['=', '=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+', '+SUM(A1)', "'+SUM(A1)"],
    ['-', '-1+1', "'-1+1"],
    ['@', '@evil', "'@evil"],
    ['tab', '\tcmd', "'\tcmd"],
    ['CR', '\rcmd', `"'\rcmd"`],
  ])('neutralises text starting with %s by prefixing a single quote', (_label, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('leaves formula characters alone when they are not the first character', () => {
    expect(csvField('a=b+c-d@e')).toBe('a=b+c-d@e');
  });

  it('neutralises any column, data included, when its text starts with a trigger', () => {
    const line = new CsvWriter().row(event({ data: -1, actor: '@bot', streamId: '=x' }));
    const [record] = parse(new CsvWriter().header() + line, { columns: true }) as Record<string, string>[];
    expect(record).toMatchObject({ data: "'-1", actor: "'@bot", streamId: "'=x" });
  });

  it('writes numbers as they are', () => {
    expect(csvLine([1, 'x', null])).toBe('1,x,\r\n');
  });

  it('round-trips awkward text through a real CSV parser', () => {
    const reason = 'rollback, because "prod" broke\r\nsee INC-7\nand, again';
    const [record] = parse(new CsvWriter().header() + new CsvWriter().row(event({ reason })), {
      columns: true,
    }) as Record<string, string>[];
    expect(record!.reason).toBe(reason);
  });
});
