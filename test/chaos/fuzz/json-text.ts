/**
 * A small JSON model for request bodies a JavaScript object cannot express: own `__proto__` keys,
 * duplicate keys, and documents nested far deeper than JSON.stringify (or this process's stack) allows.
 */
export type Json = null | boolean | number | string | readonly Json[] | JsonObject | RawJson;

/** An object as an ordered list of members, so any key (including `__proto__`) and duplicates survive. */
export class JsonObject {
  constructor(readonly members: ReadonlyArray<readonly [string, Json]>) {}

  with(key: string, value: Json): JsonObject {
    return new JsonObject([...this.members.filter(([k]) => k !== key), [key, value]]);
  }

  without(key: string): JsonObject {
    return new JsonObject(this.members.filter(([k]) => k !== key));
  }
}

/** JSON text inserted verbatim. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A JsonObject from a plain object literal (for bodies whose keys are ordinary). */
export function obj(members: Record<string, Json>): JsonObject {
  return new JsonObject(Object.entries(members));
}

export function jsonText(value: Json): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof JsonObject)
    return `{${value.members.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  return JSON.stringify(value);
}

/** `depth` nested containers (alternating objects and arrays) around a string, built as text. */
export function deeplyNested(depth: number): RawJson {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    open.push(i % 2 === 0 ? '{"a":' : '[');
    close.push(i % 2 === 0 ? '}' : ']');
  }
  return new RawJson(`${open.join('')}"deep"${close.reverse().join('')}`);
}
