import fc from 'fast-check';
import { MAX_BODY_BYTES } from '../../../src/http/json-body.js';
import { jsonText, obj, type Json } from './json-text.js';
import type { Header, Labelled, Part } from './parts.js';

/** How the body goes on the wire; all but `json` must be refused before any route sees the body. */
export type Encoding =
  | { kind: 'json'; contentType: string }
  | { kind: 'media-type'; contentType: string | null }
  | { kind: 'bad-utf8'; at: number; bytes: number[] }
  | { kind: 'truncated'; at: number }
  | { kind: 'junk-around'; junk: string; before: boolean }
  | { kind: 'almost-json'; text: string }
  | { kind: 'charset'; charset: string }
  | { kind: 'content-encoding'; encoding: string }
  | { kind: 'oversize'; extra: number };

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json;charset=UTF-8',
  'application/merge-patch+json',
  'application/vnd.flagledger+json',
  'application/problem+json',
];
const NOT_JSON_TYPES = [
  'text/plain',
  'text/json',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonp',
  'application/json-seq',
  'application/x-json',
  'application/jsonx',
  'application/json+xml',
  'application/octet-stream',
  'application/javascript',
  'image/svg+json',
  '*/*',
  'json',
  'application',
  'application/',
  '/json',
  ';',
  '',
  'application/json/x',
];
const INVALID_UTF8 = [
  [0xff],
  [0xfe],
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xe0, 0x80, 0xaf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];
const ALMOST_JSON = [
  "{'reason': 'single quotes'}",
  '{"reason": NaN}',
  '{"percentage": Infinity}',
  '{"percentage": -Infinity}',
  '{"a":1,}',
  '{"a" 1}',
  '{/* comment */}',
  '{"a":undefined}',
  '{"percentage":0x10}',
  '{"percentage":01}',
  '{"percentage":.5}',
  '{"reason":"\\x41"}',
  '{"reason":"\t"}',
  '{"reason":"\u0001"}',
  '{"reason":"unterminated}',
  '{"a":1}{"b":2}',
  '{reason: "unquoted"}',
  '[1,]',
  '{"a":[1,2}',
  'nul',
  'True',
  '{"a":1}}',
];

const encodingFault = <K extends Encoding['kind']>(
  label: string,
  value: Extract<Encoding, { kind: K }>,
): Labelled<Encoding> => ({ label, value });
const mediaType = fc.oneof(
  fc.constantFrom<string | null>(null, ...NOT_JSON_TYPES),
  fc
    .tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z.+-]{1,12}$/))
    .filter(([type, subtype]) => !(type === 'application' && (subtype === 'json' || subtype.endsWith('+json'))))
    .map(([type, subtype]) => `${type}/${subtype}`),
);
const cheapEncodingFaults = fc.oneof(
  mediaType.map((contentType) =>
    encodingFault(`body sent as ${contentType ?? 'no content-type'}`, { kind: 'media-type', contentType }),
  ),
  fc
    .record({ at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.constantFrom(...INVALID_UTF8) })
    .map((e) => encodingFault('invalid UTF-8', { kind: 'bad-utf8', ...e })),
  fc.double({ min: 0, max: 1, noNaN: true }).map((at) => encodingFault('truncated JSON', { kind: 'truncated', at })),
  fc
    .record({
      junk: fc.constantFrom('x', ',', '}', ']', '{', '[', '"', '0', 'null', 'é', '/*', '#', ';', ':'),
      before: fc.boolean(),
    })
    .map((e) => encodingFault('junk around the JSON', { kind: 'junk-around', ...e })),
  fc.constantFrom(...ALMOST_JSON).map((text) => encodingFault('almost JSON', { kind: 'almost-json', text })),
  fc
    .constantFrom('latin1', 'iso-8859-1', 'us-ascii', 'windows-1252', 'ucs-2', 'utf8', 'utf_8', 'bogus', '"latin1"')
    .map((charset) => encodingFault(`charset ${charset}`, { kind: 'charset', charset })),
  fc
    .constantFrom('gzip', 'deflate', 'x-gzip', 'compress', 'x-junk', 'gzip, deflate')
    .map((encoding) =>
      encodingFault(`Content-Encoding ${encoding} over plain bytes`, { kind: 'content-encoding', encoding }),
    ),
);
const oversize = fc
  .integer({ min: 1, max: 64 * 1024 })
  .map((extra) => encodingFault('body over 1 MB', { kind: 'oversize', extra }));

export const encodingPart: Part<Encoding> = {
  valid: fc.constantFrom(...JSON_TYPES).map((contentType): Encoding => ({ kind: 'json', contentType })),
  // An oversized body is a megabyte to generate, send and drain: one encoding fault in forty.
  invalid: fc.oneof({ arbitrary: cheapEncodingFaults, weight: 39 }, { arbitrary: oversize, weight: 1 }),
};

/** The body's bytes and headers: the content as JSON, or broken the way `encoding` says. */
export function encode(content: Json | undefined, encoding: Encoding): { headers: Header[]; body: Buffer | null } {
  const text = jsonText(content === undefined ? obj({}) : content);
  const json = (body: string | Buffer, contentType = 'application/json') => ({
    headers: [['Content-Type', contentType]] as Header[],
    body: Buffer.from(body),
  });
  switch (encoding.kind) {
    case 'json':
      return content === undefined ? { headers: [], body: null } : json(text, encoding.contentType);
    case 'media-type':
      return {
        headers: encoding.contentType === null ? [] : [['Content-Type', encoding.contentType]],
        body: Buffer.from(text),
      };
    case 'bad-utf8': {
      const bytes = Buffer.from(text);
      const at = Math.floor(encoding.at * bytes.length);
      return json(Buffer.concat([bytes.subarray(0, at), Buffer.from(encoding.bytes), bytes.subarray(at)]));
    }
    case 'truncated':
      // A proper, non-empty prefix of a JSON text is never JSON. A one-character text (a digit) stays
      // whole: an empty body would be no body at all, and strict parsing refuses a bare number anyway.
      return json(text.slice(0, Math.max(1, Math.floor(encoding.at * (text.length - 1)))));
    case 'junk-around':
      return json(encoding.before ? encoding.junk + text : text + encoding.junk);
    case 'almost-json':
      return json(encoding.text);
    case 'charset':
      return json(text, `application/json; charset=${encoding.charset}`);
    case 'content-encoding': {
      const sent = json(text);
      sent.headers.push(['Content-Encoding', encoding.encoding]);
      return sent;
    }
    case 'oversize':
      return json(`{"reason":"${'x'.repeat(MAX_BODY_BYTES + encoding.extra)}"}`);
  }
}
