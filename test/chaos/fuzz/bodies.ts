import fc from 'fast-check';
import { MAX_TOGGLES_PER_BUCKET as MAX_TOGGLES } from '../../../src/unleash/unleash-metrics.js';
import { JsonObject, obj, RawJson, type Json } from './json-text.js';
import type { Labelled, Part, Seeded } from './parts.js';
import type { FuzzRoute } from './routes.js';
import {
  anyText,
  ENVIRONMENT_TYPES,
  FLAG_TYPES,
  junkObject,
  junkValue,
  notABoolean,
  notAString,
  pastDate,
  tooDeep,
  wrongCount,
  wrongDate,
  wrongEnvironmentKey,
  wrongEnum,
  wrongFlagKey,
  wrongOptionalText,
  wrongOwner,
  wrongPercentage,
  wrongRequiredText,
  wrongSegments,
} from './wrong-values.js';

/** What a route's body DTO accepts and, by construction, what it must refuse. */
export interface BodySchema {
  /** Bodies the DTO accepts; undefined means "no body at all". */
  valid: fc.Arbitrary<JsonObject | undefined>;
  invalid: fc.Arbitrary<Labelled<Json>>;
}

interface ObjectRules {
  valid: fc.Arbitrary<JsonObject>;
  /** For each known field, values that break its rule. */
  wrong: Record<string, fc.Arbitrary<Json>>;
  required?: readonly string[];
  /**
   * Unknown members are ignored, not refused (OFREP's context carries anything; Unleash SDKs send many
   * fields): an unknown, reserved or thousandth member breaks no rule there.
   */
  ignoresUnknown?: boolean;
}

const RESERVED = ['__proto__', 'constructor', 'prototype'] as const;
/** Fields clients may try to set although the server maintains them, and near misses of real names. */
const TEMPTING_NAMES = [
  'actor',
  'createdBy',
  'createdAt',
  'updatedAt',
  'version',
  'seq',
  'hash',
  'prevHash',
  'archived',
  'lastEvaluatedAt',
  'id',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '$where',
  '',
];

const unknownName = (known: readonly string[]) =>
  fc
    .oneof(
      fc.constantFrom(...TEMPTING_NAMES),
      fc.constantFrom(...known).map((k) => k.toUpperCase()),
      fc.constantFrom(...known).map((k) => `${k} `),
      anyText(16),
    )
    .filter((name) => !known.includes(name));

/** An object with thousands of unknown members, as text. */
const manyMembers = fc
  .integer({ min: 100, max: 5_000 })
  .map((n) => new RawJson(`{${Array.from({ length: n }, (_, i) => `"m${i}":${i}`).join(',')}}`));

/** Every way an object can break the rules: wrong field, missing field, unknown/reserved key, depth, shape. */
function invalidObjects({
  valid,
  wrong,
  required = [],
  ignoresUnknown = false,
}: ObjectRules): fc.Arbitrary<Labelled<Json>> {
  const known = Object.keys(wrong);
  const variants: fc.Arbitrary<Labelled<Json>>[] = [
    fc
      .tuple(valid, fc.constantFrom(...known, 'nested'), tooDeep)
      .map(([body, field, value]) => ({ label: `${field}: nested too deep`, value: body.with(field, value) })),
  ];
  if (known.length > 0) {
    const wrongMember = fc.oneof(...known.map((field) => wrong[field]!.map((value) => [field, value] as const)));
    variants.push(
      fc
        .tuple(valid, wrongMember)
        .map(([body, [field, value]]) => ({ label: `${field}: breaks its rule`, value: body.with(field, value) })),
      // JSON.parse keeps the last of duplicate keys: a valid first value must not hide a bad second one.
      fc.tuple(valid, wrongMember).map(([body, [field, value]]) => ({
        label: `${field}: duplicate key, the last one bad`,
        value: new JsonObject([...body.members, [field, value]]),
      })),
    );
  }
  if (!ignoresUnknown) {
    variants.push(
      fc.tuple(valid, unknownName(known), junkValue).map(([body, name, value]) => ({
        label: `unknown field ${JSON.stringify(name)}`,
        value: body.with(name, value),
      })),
      fc
        .tuple(valid, fc.constantFrom(...RESERVED), fc.oneof(junkObject, junkValue))
        .map(([body, name, value]) => ({ label: `reserved key ${name}`, value: body.with(name, value) })),
      manyMembers.map((value) => ({ label: 'thousands of unknown members', value })),
    );
  }
  variants.push(
    fc
      .oneof(
        valid.map((body) => [body] as Json),
        fc.constantFrom<Json>([], null, true, false, 0, -1, 'a string', ''),
        anyText(30),
        fc.integer(),
      )
      .map((value) => ({ label: 'not a JSON object', value })),
  );
  if (required.length > 0) {
    variants.push(
      fc
        .tuple(valid, fc.constantFrom(...required))
        .map(([body, field]) => ({ label: `${field}: missing`, value: body.without(field) })),
    );
  }
  return fc.oneof(...variants);
}

/** Optional members: each present with probability ½. */
function someOf(members: Record<string, fc.Arbitrary<Json>>): fc.Arbitrary<JsonObject> {
  return fc.record(members, { requiredKeys: [] }).map((record) => obj(record as Record<string, Json>));
}

/** Members a lenient body ignores: any names but the ones it reads, any (shallow) values. */
function extraMembers(read: readonly string[]): fc.Arbitrary<Array<readonly [string, Json]>> {
  const name = fc.oneof(fc.constantFrom(...TEMPTING_NAMES, ...RESERVED), anyText(12)).filter((n) => !read.includes(n));
  return fc.array(fc.tuple(name, junkValue), { maxLength: 3 });
}

/** Unleash's yes and no: not an integer from 0 to 1e9. */
const wrongToggleCount: fc.Arbitrary<Json> = fc.oneof(
  fc.integer({ max: -1 }),
  fc.integer({ min: 1_000_000_001 }),
  fc.integer({ min: 0, max: 1000 }).map((n) => n + 0.5),
  fc.constantFrom<Json>('1', '', null, true, false, [], [1], 1e21, -0.25),
  junkObject,
);

const FUTURE = '2027-03-01T00:00:00.000Z';
const validText = (max: number) => anyText(Math.min(max, 40));
const validReason = fc.oneof(validText(500), fc.constant(null));
const segments = fc.uniqueArray(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }), { maxLength: 4 });
const nonEmptyText = (max: number) => validText(max).filter((s) => s.length > 0);

/**
 * A list with one thing wrong: a broken item among valid ones, a non-object item, or no list at all.
 * `wholes` are values of the field that are wrong as a whole (too many items, not a list).
 */
function wrongList(
  valid: fc.Arbitrary<Json[]>,
  badItem: fc.Arbitrary<Json>,
  wholes: readonly Json[],
): fc.Arbitrary<Json> {
  return fc.oneof(
    fc
      .tuple(valid, badItem, fc.nat())
      .map(([items, bad, at]): Json => items.toSpliced(at % (items.length + 1), 0, bad)),
    fc.tuple(valid, fc.constantFrom<Json>(null, 1, 'item', [], [[]])).map(([items, bad]): Json => [...items, bad]),
    fc.constantFrom<Json>(1, null, ...wholes),
    junkObject,
  );
}

/** docs/contract.md §10: what a change may propose, and what its `value` must then be (absent: none). */
const NO_VALUE = { wrong: junkValue };
const PROPOSED_VALUES: Record<string, { valid?: fc.Arbitrary<Json>; wrong: fc.Arbitrary<Json> }> = {
  enable: NO_VALUE,
  disable: NO_VALUE,
  'kill-switch/engage': NO_VALUE,
  'kill-switch/release': NO_VALUE,
  rollout: { valid: fc.integer({ min: 0, max: 100 }), wrong: fc.oneof(wrongPercentage, fc.constant(null)) },
  segments: { valid: segments, wrong: fc.oneof(wrongSegments, fc.constant(null)) },
};
const PROPOSED_COMMANDS = Object.keys(PROPOSED_VALUES);
const MAX_CHANGES = 50;

/** Routes' bodies for a server holding what was `seeded`. */
export function bodySchemas(seeded: Seeded) {
  const flagKey = fc.oneof(fc.constantFrom(...seeded.flagKeys), fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,30}$/));
  const command = { reason: wrongOptionalText(500) };
  const schema = (rules: ObjectRules, absentIsValid = false): BodySchema => ({
    valid: absentIsValid ? fc.option(rules.valid, { nil: undefined }) : rules.valid,
    invalid: invalidObjects(rules),
  });

  const context: ObjectRules = {
    valid: someOf({
      userId: fc.oneof(validText(1024), fc.constant(null)),
      segment: fc.oneof(validText(200), fc.constant(null)),
    }),
    wrong: { userId: wrongOptionalText(1024), segment: wrongOptionalText(200) },
  };
  const wrongContext = fc.oneof(
    // A null context is an absent one (IsOptional), as a null userId is an absent userId.
    invalidObjects(context)
      .map((c) => c.value)
      .filter((value) => value !== null),
    notAString.filter((v) => !(v instanceof JsonObject)),
    fc.constantFrom<Json>('', 'user-1'),
  );
  const validContext = context.valid;

  const REASONS = [
    'FLAG_NOT_FOUND',
    'ARCHIVED',
    'KILL_SWITCH',
    'DISABLED',
    'SEGMENT_MISMATCH',
    'ROLLOUT_FULL',
    'ROLLOUT_OUT',
    'MISSING_USER_ID',
    'ROLLOUT_IN',
  ];
  const item: ObjectRules = {
    valid: fc
      .record({ flagKey, reason: fc.constantFrom(...REASONS), count: fc.integer({ min: 1, max: 1000 }) })
      .map((r) => obj({ ...r, lastEvaluatedAt: '2026-11-25T11:00:00Z' })),
    wrong: {
      flagKey: wrongRequiredText(128),
      reason: wrongEnum(REASONS),
      count: wrongCount,
      lastEvaluatedAt: fc.oneof(wrongDate, fc.constant(null)),
    },
    required: ['flagKey', 'reason', 'count', 'lastEvaluatedAt'],
  };
  const validItems = fc.array(item.valid, { minLength: 1, maxLength: 3 });
  const tooManyItems = new Array<Json>(10_001).fill(
    obj({ flagKey: 'a', reason: 'DISABLED', count: 1, lastEvaluatedAt: '2026-11-25T11:00:00Z' }),
  );
  const wrongItems = wrongList(
    validItems.map((items): Json[] => items),
    invalidObjects(item).map((bad) => bad.value),
    ['evaluations', tooManyItems],
  );

  // A change names a live flag once, at a version the flag has had, with the value its command takes
  // (docs/contract.md §10): anything else is refused, a flag that is not there or moved past included.
  const flagAt = fc
    .constantFrom(...seeded.liveFlags)
    .chain((flag) =>
      fc.record({ flagKey: fc.constant(flag.key), baseVersion: fc.integer({ min: 1, max: flag.version }) }),
    );
  const liveKeys = seeded.liveFlags.map((f) => f.key);
  const newestVersion = Math.max(...seeded.liveFlags.map((f) => f.version));
  // Well-formed, so only the server's look at its flags can refuse them.
  const noLiveFlag = fc.oneof(
    fc.constantFrom(...seeded.flagKeys).filter((key) => !liveKeys.includes(key)),
    fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,30}$/).filter((key) => !liveKeys.includes(key)),
  );
  const pastEveryVersion = fc.integer({ min: newestVersion + 1 });
  const changeRules = PROPOSED_COMMANDS.map((command): ObjectRules => {
    const value = PROPOSED_VALUES[command]!;
    return {
      valid: fc
        .tuple(flagAt, value.valid === undefined ? fc.constant(undefined) : value.valid)
        .map(([at, v]) => obj({ ...at, command, ...(v === undefined ? {} : { value: v }) })),
      wrong: {
        flagKey: fc.oneof(wrongRequiredText(128), noLiveFlag),
        command: wrongEnum(PROPOSED_COMMANDS),
        baseVersion: fc.oneof(wrongCount, pastEveryVersion),
        value: value.wrong,
      },
      required:
        value.valid === undefined
          ? ['flagKey', 'command', 'baseVersion']
          : ['flagKey', 'command', 'baseVersion', 'value'],
    };
  });
  const flagKeyOf = (change: Json) => (change as JsonObject).members.find(([k]) => k === 'flagKey')![1];
  const validChanges = fc
    .uniqueArray(fc.oneof(...changeRules.map((r) => r.valid)), {
      minLength: 1,
      maxLength: seeded.liveFlags.length,
      selector: flagKeyOf,
    })
    .map((list): Json[] => list);
  const wrongChanges = fc.oneof(
    {
      weight: 2,
      arbitrary: wrongList(validChanges, fc.oneof(...changeRules.map((r) => invalidObjects(r).map((c) => c.value))), [
        'changes',
        [],
        new Array<Json>(MAX_CHANGES + 1).fill(obj({ flagKey: liveKeys[0]!, command: 'enable', baseVersion: 1 })),
      ]),
    },
    // What only the flags can refuse, weighted so a server that stopped looking is caught in one run: a
    // change to a flag not there (or archived), at a version the flag never had, or to a flag named twice.
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          validChanges,
          fc.nat(),
          fc.oneof(
            noLiveFlag.map((key): [string, Json] => ['flagKey', key]),
            pastEveryVersion.map((version): [string, Json] => ['baseVersion', version]),
          ),
        )
        .map(([list, at, [field, value]]): Json =>
          list.with(at % list.length, (list[at % list.length] as JsonObject).with(field, value)),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(validChanges, fc.oneof(...changeRules.map((r) => r.valid)))
        .map(([list, again]): Json => [...list, again.with('flagKey', flagKeyOf(list[0]!))]),
    },
  );
  const changes = { changes: wrongChanges };
  const requiredText = (field: string) =>
    schema({
      valid: nonEmptyText(500).map((text) => obj({ [field]: text })),
      wrong: { [field]: wrongRequiredText(500) },
      required: [field],
    });

  // docs/contract.md §11, OFREP: `{context?: {targetingKey?, segment?, ...}}`. Every other attribute, and
  // every other member of the body, is ignored; only the two the rules read have rules.
  const ofrepContextRules: ObjectRules = {
    valid: fc
      .tuple(
        someOf({
          targetingKey: fc.oneof(validText(1024), fc.constant(null)),
          segment: fc.oneof(validText(200), fc.constant(null)),
        }),
        extraMembers(['targetingKey', 'segment']),
      )
      .map(([read, extra]) => new JsonObject([...extra, ...read.members])),
    wrong: { targetingKey: wrongOptionalText(1024), segment: wrongOptionalText(200) },
    ignoresUnknown: true,
  };
  const ofrepBody: ObjectRules = {
    valid: fc
      .tuple(someOf({ context: fc.oneof(ofrepContextRules.valid, fc.constant(null)) }), extraMembers(['context']))
      .map(([read, extra]) => new JsonObject([...extra, ...read.members])),
    wrong: {
      // A null context is no context: every other way to be no object, or an object breaking a rule.
      context: invalidObjects(ofrepContextRules)
        .map((bad) => bad.value)
        .filter((value) => value !== null),
    },
    ignoresUnknown: true,
  };

  // docs/contract.md §11, Unleash: what parseUnleashMetrics reads (bucket.toggles' counts) and refuses:
  // an object that is none, a count that is not an integer from 0 to 1e9, more than 10,000 toggles.
  // appName, instanceId and the rest are an SDK's to send and not (yet) read, so nothing about them is wrong.
  /** What GET /v1/clients lists an Unleash SDK by: strings, or absent (null too); anything else is a 400. */
  const SDK_NAMES = ['appName', 'instanceId'];
  const wrongSdkNames = { appName: notAString, instanceId: notAString };
  const sdkFields = someOf({
    appName: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
    instanceId: fc.stringMatching(/^[a-z0-9-]{1,40}$/),
    environment: fc.constant('default'),
    sdkVersion: fc.constantFrom('unleash-client-node:6.4.0', 'unleash-client-go:4.1.0'),
  });
  const counts: ObjectRules = {
    valid: fc
      .tuple(
        someOf({ yes: fc.integer({ min: 0, max: 1_000_000_000 }), no: fc.integer({ min: 0, max: 1_000_000_000 }) }),
        fc.option(fc.constant(obj({})), { nil: undefined }),
      )
      .map(([c, variants]) => (variants === undefined ? c : c.with('variants', variants))),
    wrong: { yes: wrongToggleCount, no: wrongToggleCount },
    ignoresUnknown: true,
  };
  const toggleName = fc.oneof(flagKey, anyText(16));
  const validToggles = fc
    .uniqueArray(fc.tuple(toggleName, counts.valid), { maxLength: 4, selector: ([name]) => name })
    .map((members) => new JsonObject(members));
  const tooManyToggles = fc
    .integer({ min: MAX_TOGGLES + 1, max: MAX_TOGGLES + 50 })
    .map((n) => new RawJson(`{${Array.from({ length: n }, (_, i) => `"t${i}":{"yes":1}`).join(',')}}`));
  const wrongToggles = fc.oneof(
    fc.constantFrom<Json>(null, [], 3, 'toggles', true, [obj({ yes: 1 })]),
    fc
      .tuple(validToggles, toggleName, invalidObjects(counts))
      .map(([toggles, name, bad]): Json => toggles.with(name, bad.value)),
    tooManyToggles,
  );
  const bucket: ObjectRules = {
    valid: someOf({
      start: fc.constant('2026-11-25T11:00:00.000Z'),
      stop: fc.oneof(fc.constant('2026-11-25T11:01:00.000Z'), anyText(20)),
      toggles: validToggles,
    }),
    wrong: { toggles: wrongToggles },
    ignoresUnknown: true,
  };
  const metrics: ObjectRules = {
    valid: fc
      .tuple(sdkFields, someOf({ bucket: bucket.valid }), extraMembers(['bucket', ...SDK_NAMES]))
      .map(([sdk, read, extra]) => new JsonObject([...extra, ...sdk.members, ...read.members])),
    // A bucket that is there must be an object (null included), or one breaking its rules; the names
    // GET /v1/clients lists the SDK by must be strings.
    wrong: { bucket: invalidObjects(bucket).map((bad) => bad.value), ...wrongSdkNames },
    ignoresUnknown: true,
  };
  const register: ObjectRules = {
    valid: fc
      .tuple(
        sdkFields,
        someOf({
          strategies: fc.constant(['default', 'flexibleRollout']),
          started: fc.constant('2026-11-25T11:00:00.000Z'),
          interval: fc.integer({ min: 0, max: 60_000 }),
        }),
        extraMembers(SDK_NAMES),
      )
      .map(([sdk, rest, extra]) => new JsonObject([...extra, ...sdk.members, ...rest.members])),
    // The body must be an object; of its fields only the names GET /v1/clients lists it by are read.
    wrong: wrongSdkNames,
    ignoresUnknown: true,
  };

  return {
    create: schema({
      valid: fc
        .tuple(
          flagKey,
          fc.constantFrom(...FLAG_TYPES),
          validText(200).filter((s) => /\S/.test(s)),
          someOf({
            description: validText(2000),
            ticket: validText(200),
            enabled: fc.boolean(),
            rolloutPercentage: fc.integer({ min: 0, max: 100 }),
            targetSegments: segments,
            killSwitch: fc.boolean(),
            reason: validReason,
          }),
        )
        .map(
          ([key, type, owner, extra]) =>
            new JsonObject([['key', key], ['type', type], ['owner', owner], ['expiresAt', FUTURE], ...extra.members]),
        ),
      wrong: {
        key: wrongFlagKey,
        type: wrongEnum(FLAG_TYPES),
        owner: wrongOwner,
        expiresAt: fc.oneof(wrongDate, pastDate),
        enabled: notABoolean,
        killSwitch: notABoolean,
        rolloutPercentage: wrongPercentage,
        targetSegments: wrongSegments,
        description: wrongOptionalText(2000),
        ticket: wrongOptionalText(200),
        ...command,
      },
      required: ['key', 'type', 'owner'],
    }),
    command: schema({ valid: someOf({ reason: validReason }), wrong: command }, true),
    rollout: schema({
      valid: fc.record({ percentage: fc.integer({ min: 0, max: 100 }) }).map(obj),
      wrong: { percentage: fc.oneof(wrongPercentage, fc.constant(null)), ...command },
      required: ['percentage'],
    }),
    segments: schema({
      valid: segments.map((list) => obj({ segments: list })),
      wrong: { segments: fc.oneof(wrongSegments, fc.constant(null)), ...command },
      required: ['segments'],
    }),
    details: schema({
      valid: someOf({
        owner: fc.constant('payments-team'),
        expiresAt: fc.constant(FUTURE),
        description: validText(2000),
        ticket: validText(200),
        reason: validReason,
      }),
      wrong: {
        owner: wrongOwner,
        expiresAt: fc.oneof(wrongDate, pastDate),
        description: wrongOptionalText(2000),
        ticket: wrongOptionalText(200),
        ...command,
      },
    }),
    // docs/contract.md §9: POST /v1/tokens.
    issueToken: schema({
      valid: fc
        .tuple(
          fc.stringMatching(/^[A-Za-z0-9._@-]{1,64}$/),
          fc.constantFrom('evaluator', 'viewer', 'editor', 'admin'),
          someOf({ expiresAt: fc.constant(FUTURE), reason: validReason }),
        )
        .map(([name, role, extra]) => new JsonObject([['name', name], ['role', role], ...extra.members])),
      wrong: {
        // A token name allows what a flag key does not (upper case, a leading '-' or '@'): its own wrongs.
        name: fc.oneof(wrongRequiredText(64), fc.constantFrom('has space', 'a/b', 'naïve', 'tab\there', 'a:b')),
        role: wrongEnum(['evaluator', 'viewer', 'editor', 'admin']),
        expiresAt: fc.oneof(wrongDate, pastDate),
        ...command,
      },
      required: ['name', 'role'],
    }),
    // docs/contract.md §8: any well-formed token is refused with 401 (none of the fuzzer's is real).
    openSession: schema({
      valid: validText(512)
        .filter((s) => s.length > 0)
        .map((token) => new JsonObject([['token', token]])),
      wrong: { token: wrongRequiredText(512) },
      required: ['token'],
    }),
    evaluate: schema({
      valid: fc
        .tuple(flagKey, someOf({ context: validContext }))
        .map(([key, rest]) => new JsonObject([['flagKey', key], ...rest.members])),
      wrong: { flagKey: wrongRequiredText(128), context: wrongContext, asOf: wrongDate },
      required: ['flagKey'],
    }),
    evaluateAll: schema(
      { valid: someOf({ context: validContext }), wrong: { context: wrongContext, asOf: wrongDate } },
      true,
    ),
    createEnvironment: schema({
      valid: fc
        .tuple(
          fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,31}$/),
          validText(100).filter((s) => /\S/.test(s)),
          fc.constantFrom(...ENVIRONMENT_TYPES),
          someOf({ requiredApprovals: fc.integer({ min: 0, max: 5 }), reason: validReason }),
        )
        .map(
          ([key, name, type, extra]) =>
            new JsonObject([['key', key], ['name', name], ['type', type], ...extra.members]),
        ),
      // Every broken flag key, owner and percentage breaks an environment's key, name and approvals too:
      // their rules are stricter (docs/contract.md §7).
      wrong: {
        key: wrongFlagKey,
        name: wrongOwner,
        type: wrongEnum(ENVIRONMENT_TYPES),
        requiredApprovals: wrongPercentage,
        ...command,
      },
      required: ['key', 'name', 'type'],
    }),
    changeEnvironment: schema({
      valid: someOf({
        name: validText(100).filter((s) => /\S/.test(s)),
        type: fc.constantFrom(...ENVIRONMENT_TYPES),
        requiredApprovals: fc.integer({ min: 0, max: 5 }),
        reason: validReason,
      }),
      wrong: { name: wrongOwner, type: wrongEnum(ENVIRONMENT_TYPES), requiredApprovals: wrongPercentage, ...command },
    }),
    createChangeRequest: schema({
      valid: fc
        .tuple(nonEmptyText(200), validChanges, someOf({ reason: validReason, scheduledAt: fc.constant(FUTURE) }))
        .map(
          ([title, list, extra]) =>
            new JsonObject([['environment', 'production'], ['title', title], ['changes', list], ...extra.members]),
        ),
      wrong: {
        environment: fc.oneof(wrongRequiredText(64), wrongEnvironmentKey(['production'])),
        title: wrongRequiredText(200),
        scheduledAt: fc.oneof(wrongDate, pastDate),
        ...changes,
        ...command,
      },
      required: ['environment', 'title', 'changes'],
    }),
    replaceChanges: schema({
      valid: fc
        .tuple(validChanges, someOf({ reason: validReason }))
        .map(([list, extra]) => new JsonObject([['changes', list], ...extra.members])),
      wrong: { ...changes, ...command },
      required: ['changes'],
    }),
    approve: schema({ valid: someOf({ comment: validReason }), wrong: { comment: wrongOptionalText(500) } }, true),
    reject: requiredText('reason'),
    acknowledge: requiredText('comment'),
    ofrepEvaluate: schema(ofrepBody, true),
    unleashRegister: schema(register),
    unleashMetrics: schema(metrics),
    // Since GET /v1/clients, a report may name its SDK instance and the seq it applied (each optional).
    telemetry: schema({
      valid: fc
        .tuple(
          validItems,
          someOf({
            appName: nonEmptyText(128),
            instanceId: nonEmptyText(128),
            appliedSeq: fc.integer({ min: 0, max: 1e9 }),
          }),
        )
        .map(([items, extra]) => new JsonObject([['evaluations', items], ...extra.members])),
      wrong: {
        evaluations: wrongItems,
        appName: wrongRequiredText(128),
        instanceId: wrongRequiredText(128),
        appliedSeq: fc.oneof(
          fc.integer({ max: -1 }),
          fc.integer({ min: 0, max: 1000 }).map((n) => n + 0.5),
          fc.constantFrom<Json>('1', null, false, 2 ** 53 + 2),
        ),
      },
      required: ['evaluations'],
    }),
  };
}

export type BodyKind = keyof ReturnType<typeof bodySchemas>;

/** For routes without a body DTO: whatever JSON arrives is ignored, so any of it is "valid". */
export const ignoredBody: fc.Arbitrary<JsonObject | undefined> = fc.option(junkObject, { nil: undefined, freq: 2 });

/** The body part of a route's requests. */
export function bodyPart(route: FuzzRoute, seeded: Seeded): Part<Json | undefined> {
  return route.body === undefined ? { valid: ignoredBody } : bodySchemas(seeded)[route.body];
}
