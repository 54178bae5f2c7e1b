/**
 * Issue 6: the pure evaluation engine's cost per call against the physical floor (an inline murmurhash3
 * check), unleash-client and GrowthBook, each evaluating equivalent flags configured offline:
 *   rollout_flag  enabled, 50 % of users by user id;
 *   segment_flag  enabled, only segments enterprise and beta, 50 % of those by user id.
 * 10,000 user ids cycled, every other one in a targeted segment. Targets: engine within 1.5× of the floor,
 * at least 5× faster than unleash-client.
 *
 *   npm run bench:engine [-- <callsPerRound> <rounds>]     (defaults 500,000 × 7)
 */
import { GrowthBookClient, type FeatureDefinition, type UserContext } from '@growthbook/growthbook';
import murmurhash from 'murmurhash';
import type { Context as UnleashContext, Unleash } from 'unleash-client';
import { evaluateFlag, type EvaluableFlag, type EvaluationContext } from '../src/evaluation-engine/index.js';
import { machine, median, otherCpuLoad, startOfflineUnleash, unleashRolloutToggle } from './support.js';

const CALLS = Number(process.argv[2] ?? 500_000);
const ROUNDS = Number(process.argv[3] ?? 7);
const USERS = 10_000;
const ROLLOUT = 'rollout_flag';
const SEGMENT = 'segment_flag';
const TARGETED = ['enterprise', 'beta'];
const SEGMENTS = ['enterprise', 'free', 'beta', 'trial']; // user i has SEGMENTS[i % 4]: half of them targeted

const engineFlag = (key: string, targetSegments: string[]): EvaluableFlag => ({
  key,
  enabled: true,
  rolloutPercentage: 50,
  targetSegments,
  killSwitch: false,
  archived: false,
  version: 1,
});
const engineFlags = [engineFlag(ROLLOUT, []), engineFlag(SEGMENT, TARGETED)] as const;

// The same users in each library's own context shape, built once: a server builds one per request anyway.
const ids = Array.from({ length: USERS }, (_, i) => `user-${i}`);
const segments = ids.map((_, i) => SEGMENTS[i % SEGMENTS.length]!);
const engineContexts: EvaluationContext[] = ids.map((userId, i) => ({ userId, segment: segments[i]! }));
const unleashContexts: UnleashContext[] = ids.map((userId, i) => ({ userId, properties: { segment: segments[i]! } }));
const growthbookContexts: UserContext[] = ids.map((id, i) => ({ attributes: { id, segment: segments[i]! } }));

/*
 * The floor hashes exactly what the engine hashes (docs/contract.md §2): murmurhash's v3, seed 0, over the low byte of
 * each UTF-16 unit of `${key}:${userId}`, then `% 100 + 1 <= 50`. Nothing can answer the same question
 * with fewer steps: the bytes of `${key}:` are written once per flag here (they never change), so a call
 * writes only the user id's bytes into a reused buffer and hashes; the segment flag adds two string
 * compares. A faster hash (a Math.imul rewrite, say) would be a different floor for a different function,
 * and hashing the string itself would make murmurhash UTF-8-encode it (other buckets, and an allocation).
 */
function floorFor(key: string): (userId: string) => boolean {
  const buffer = new Uint8Array(256);
  const views: Uint8Array[] = [];
  for (let i = 0; i < key.length; i++) buffer[i] = key.charCodeAt(i) & 0xff;
  buffer[key.length] = 0x3a;
  const offset = key.length + 1;
  return (userId) => {
    for (let i = 0; i < userId.length; i++) buffer[offset + i] = userId.charCodeAt(i) & 0xff;
    const length = offset + userId.length;
    const view = views[length] ?? (views[length] = buffer.subarray(0, length));
    return (murmurhash.v3(view, 0) % 100) + 1 <= 50;
  };
}
const floorRollout = floorFor(ROLLOUT);
const floorSegmentHash = floorFor(SEGMENT);
const floorSegment = (userId: string, segment: string) =>
  (segment === 'enterprise' || segment === 'beta') && floorSegmentHash(userId);

// Assigned once the offline client is ready (below); the loops above close over it.
// eslint-disable-next-line prefer-const
let unleash!: Unleash;
/*
 * GrowthBook's server-side usage: one GrowthBookClient (its "multi-user" SDK) holding the features, and the
 * user's attributes passed on each call. `new GrowthBook({ features, attributes })` per request is its
 * browser-style, single-user API; a server would pay that constructor on every request as well.
 */
const gbFeatures: Record<string, FeatureDefinition> = {
  [ROLLOUT]: { defaultValue: false, rules: [{ force: true, coverage: 0.5, hashAttribute: 'id' }] },
  [SEGMENT]: {
    defaultValue: false,
    rules: [{ condition: { segment: { $in: TARGETED } }, force: true, coverage: 0.5, hashAttribute: 'id' }],
  },
};
const growthbook = new GrowthBookClient().initSync({ payload: { features: gbFeatures } });

// One loop per implementation, so each call site stays monomorphic; each counts the trues so nothing is dead code.
function loopFloorRollout(n: number): number {
  let on = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (floorRollout(ids[j]!)) on++;
    if (++j === USERS) j = 0;
  }
  return on;
}
function loopFloorSegment(n: number): number {
  let on = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (floorSegment(ids[j]!, segments[j]!)) on++;
    if (++j === USERS) j = 0;
  }
  return on;
}
function loopEngine(flag: EvaluableFlag, n: number): number {
  let on = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (evaluateFlag(flag.key, flag, engineContexts[j]!).enabled) on++;
    if (++j === USERS) j = 0;
  }
  return on;
}
function loopUnleash(key: string, n: number): number {
  let on = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (unleash.isEnabled(key, unleashContexts[j]!)) on++;
    if (++j === USERS) j = 0;
  }
  return on;
}
function loopGrowthbook(key: string, n: number): number {
  let on = 0;
  for (let i = 0, j = 0; i < n; i++) {
    if (growthbook.isOn(key, growthbookContexts[j]!)) on++;
    if (++j === USERS) j = 0;
  }
  return on;
}

const LIBRARIES = ['floor', 'engine', 'unleash-client', 'GrowthBook'] as const;
type Library = (typeof LIBRARIES)[number];
const loops: Record<typeof ROLLOUT | typeof SEGMENT, Record<Library, (n: number) => number>> = {
  [ROLLOUT]: {
    floor: loopFloorRollout,
    engine: (n) => loopEngine(engineFlags[0], n),
    'unleash-client': (n) => loopUnleash(ROLLOUT, n),
    GrowthBook: (n) => loopGrowthbook(ROLLOUT, n),
  },
  [SEGMENT]: {
    floor: loopFloorSegment,
    engine: (n) => loopEngine(engineFlags[1], n),
    'unleash-client': (n) => loopUnleash(SEGMENT, n),
    GrowthBook: (n) => loopGrowthbook(SEGMENT, n),
  },
};
const runs = Object.entries(loops).flatMap(([flag, byLibrary]) =>
  LIBRARIES.map((library) => ({ name: `${flag} ${library}`, flag, library, loop: byLibrary[library] })),
);

const offline = await startOfflineUnleash([
  unleashRolloutToggle(ROLLOUT, 50),
  unleashRolloutToggle(SEGMENT, 50, TARGETED),
]);
unleash = offline.unleash;
try {
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  console.log(
    `${ROUNDS} rounds × ${CALLS.toLocaleString('en')} calls per implementation and flag, ${USERS.toLocaleString('en')} user ids cycled (every other one in a targeted segment)`,
  );

  // Sanity: every library puts the same share of users on (50 % of all; 50 % of the targeted half = 25 %).
  // The floor, the engine and unleash hash alike, so they must agree user by user; GrowthBook hashes
  // differently (fnv1a), so only its share can be compared.
  for (const [flag, expected] of [
    [ROLLOUT, 50],
    [SEGMENT, 25],
  ] as const) {
    const shares = LIBRARIES.map(
      (library) => `${library} ${((loops[flag][library](USERS) / USERS) * 100).toFixed(1)} %`,
    );
    let agree = 0;
    const engine = flag === ROLLOUT ? engineFlags[0] : engineFlags[1];
    for (let j = 0; j < USERS; j++) {
      const answer = evaluateFlag(flag, engine, engineContexts[j]!).enabled;
      const floor = flag === ROLLOUT ? floorRollout(ids[j]!) : floorSegment(ids[j]!, segments[j]!);
      if (answer === floor && answer === unleash.isEnabled(flag, unleashContexts[j]!)) agree++;
    }
    const offBy = Math.max(
      ...LIBRARIES.map((library) => Math.abs((loops[flag][library](USERS) / USERS) * 100 - expected)),
    );
    console.log(
      `sanity ${flag}: on for ${shares.join(', ')} (expected ${expected} %, largest gap ${offBy.toFixed(1)} points); floor = engine = unleash for ${agree.toLocaleString('en')} / ${USERS.toLocaleString('en')} users`,
    );
    if (offBy > 2 || agree !== USERS) throw new Error(`the libraries do not answer alike for ${flag}`);
  }

  // Warm-up: every implementation reaches its optimised code before anything is timed.
  for (const run of runs) for (let i = 0; i < 3; i++) run.loop(Math.min(CALLS, 200_000));

  // Rounds interleave the implementations, so drift (another process, the VM's clock) hits all of them alike.
  const samples = new Map(runs.map((run) => [run.name, [] as number[]]));
  const load = otherCpuLoad();
  for (let round = 0; round < ROUNDS; round++) {
    for (const run of runs) {
      const started = process.hrtime.bigint();
      run.loop(CALLS);
      samples.get(run.name)!.push(Number(process.hrtime.bigint() - started) / CALLS);
    }
  }
  console.log(`while timing: ${load()}`);

  for (const flag of [ROLLOUT, SEGMENT]) {
    const ns = (library: Library) => samples.get(`${flag} ${library}`)!;
    // The per-round ratio compares runs that ran back to back, so the VM's slow spells cancel out.
    const perRound = (a: Library, b: Library) => median(ns(a).map((value, round) => value / ns(b)[round]!));
    for (const library of LIBRARIES) {
      const values = ns(library);
      console.log(
        `${flag} ${library.padEnd(15)} median ${median(values).toFixed(1).padStart(7)} ns/call, best ${Math.min(
          ...values,
        )
          .toFixed(1)
          .padStart(7)}  (rounds: ${values.map((v) => v.toFixed(0)).join(', ')})`,
      );
    }
    const engineOverFloor = perRound('engine', 'floor');
    const unleashOverEngine = perRound('unleash-client', 'engine');
    console.log(
      `${flag} ratios (median of per-round ratios): engine ÷ floor ${engineOverFloor.toFixed(2)}× (target ≤ 1.5×: ${engineOverFloor <= 1.5 ? 'met' : 'NOT met'}); ` +
        `unleash ÷ engine ${unleashOverEngine.toFixed(2)}× (target ≥ 5×: ${unleashOverEngine >= 5 ? 'met' : 'NOT met'}); GrowthBook ÷ engine ${perRound('GrowthBook', 'engine').toFixed(2)}×; ` +
        `unleash ÷ floor ${perRound('unleash-client', 'floor').toFixed(2)}×; GrowthBook ÷ floor ${perRound('GrowthBook', 'floor').toFixed(2)}×`,
    );
  }
  console.log(`unleash-client network errors during the run: ${offline.networkErrors()}`);
} finally {
  unleash.destroy();
  growthbook.destroy();
}
