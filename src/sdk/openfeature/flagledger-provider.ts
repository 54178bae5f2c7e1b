import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext as OpenFeatureContext,
  type FlagMetadata,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { OPENFEATURE_REASONS, type EvaluationContext, type EvaluationResult } from '../../evaluation-engine/index.js';
import type { FlagSource, SdkFlag } from '../flag-source.js';
import type { FlagledgerClientEvents } from '../flagledger-client.js';

type FollowedEvent = 'changed' | 'error';
type Listener<E extends FollowedEvent> = (...args: FlagledgerClientEvents[E]) => void;

/**
 * What the provider evaluates against: any {@link FlagSource}. When it also emits the FlagledgerClient's
 * `changed` and `error` events (and says whether it is `connected`), the provider turns them into
 * OpenFeature events; an `InMemoryFlags` has none of these and simply never changes on its own.
 * `allFlags`, when present, tells a wrongly typed resolution of a known flag from an unknown one without
 * evaluating (so it is not counted in the client's evaluation telemetry).
 */
export type FlagledgerProviderSource = FlagSource & {
  on?<E extends FollowedEvent>(event: E, listener: Listener<E>): unknown;
  off?<E extends FollowedEvent>(event: E, listener: Listener<E>): unknown;
  readonly connected?: boolean;
  allFlags?(): readonly SdkFlag[];
};

export interface FlagledgerProviderOptions {
  /** While stale, how often to look whether the source has reconnected (then PROVIDER_READY). Default 250 ms. */
  reconnectPollMs?: number;
}

/**
 * An OpenFeature server provider (`@openfeature/server-sdk`) over a Flagledger {@link FlagSource}, normally
 * a started `FlagledgerClient`: every resolution is the client's local, synchronous evaluation.
 *
 * ```ts
 * const flags = await FlagledgerClient.start({ url, token });
 * await OpenFeature.setProviderAndWait(new FlagledgerProvider(flags));
 * const details = await OpenFeature.getClient().getBooleanDetails('new_payment_processor', false, { targetingKey: order.customerId });
 * ```
 *
 * - Context: `targetingKey` is the Flagledger `userId`; a string `segment` attribute is the `segment`.
 *   Other attributes are ignored (a non-string `segment` counts as no segment).
 * - Flags are boolean. `variant` is `'on'`/`'off'`; `flagMetadata` carries `flagledgerReason`,
 *   `flagVersion` and, when the rollout hashed the user, `bucket`.
 * - An unknown flag resolves to the caller's default with reason `ERROR` and `FLAG_NOT_FOUND`.
 * - `MISSING_USER_ID` (a partial rollout asked without a `targetingKey`) resolves to `false` with reason
 *   `DEFAULT`, not to the caller's default: the engine's answer, the same one `isEnabled` and
 *   `POST /v1/evaluate` give, so the three never disagree for one context.
 * - String, number and object resolutions fail with `TYPE_MISMATCH` (or `FLAG_NOT_FOUND` for an unknown key).
 * - Events: a `changed` flag → `PROVIDER_CONFIGURATION_CHANGED` with `flagsChanged: [key]`; a lost
 *   connection (`error` while not `connected`) → `PROVIDER_STALE`, and `PROVIDER_READY` again once the
 *   source is connected. Not `PROVIDER_ERROR`: the client goes on answering from its last state, which is
 *   what STALE means; ERROR would claim it cannot evaluate.
 * - The provider never owns the source: `onClose()` (OpenFeature calls it on `OpenFeature.close()` or when
 *   the provider is replaced) only detaches its listeners. Close the client yourself.
 */
export class FlagledgerProvider implements Provider {
  readonly metadata = { name: 'Flagledger' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();

  private following = false;
  private stale = false;
  private reconnectPoll: NodeJS.Timeout | undefined;
  private readonly reconnectPollMs: number;

  constructor(
    private readonly source: FlagledgerProviderSource,
    options: FlagledgerProviderOptions = {},
  ) {
    this.reconnectPollMs = options.reconnectPollMs ?? 250;
  }

  /**
   * Starts relaying the source's events. A FlagledgerClient has its flags once `start()` resolved, so there
   * is nothing to wait for: OpenFeature marks the provider READY as soon as this resolves.
   */
  async initialize(): Promise<void> {
    if (this.following) return;
    this.following = true;
    this.source.on?.('changed', this.onChanged);
    this.source.on?.('error', this.onError);
  }

  /** Detaches from the source and stops watching for a reconnect. Does not close the source: the caller owns it. */
  async onClose(): Promise<void> {
    if (!this.following) return;
    this.following = false;
    this.source.off?.('changed', this.onChanged);
    this.source.off?.('error', this.onError);
    this.stopReconnectPoll();
    this.stale = false;
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: OpenFeatureContext,
  ): Promise<ResolutionDetails<boolean>> {
    const result = this.source.evaluate(flagKey, toFlagledgerContext(context));
    if (result.reason === 'FLAG_NOT_FOUND') return notFound(flagKey, defaultValue);
    return {
      value: result.enabled,
      variant: result.enabled ? 'on' : 'off',
      reason: OPENFEATURE_REASONS[result.reason],
      flagMetadata: flagMetadata(result),
    };
  }

  async resolveStringEvaluation(flagKey: string, defaultValue: string): Promise<ResolutionDetails<string>> {
    return this.notBoolean(flagKey, defaultValue, 'string');
  }

  async resolveNumberEvaluation(flagKey: string, defaultValue: number): Promise<ResolutionDetails<number>> {
    return this.notBoolean(flagKey, defaultValue, 'number');
  }

  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T): Promise<ResolutionDetails<T>> {
    return this.notBoolean(flagKey, defaultValue, 'object');
  }

  private notBoolean<T>(flagKey: string, defaultValue: T, asked: string): ResolutionDetails<T> {
    if (!this.knows(flagKey)) return notFound(flagKey, defaultValue);
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.TYPE_MISMATCH,
      errorMessage: `Flagledger flags are boolean; "${flagKey}" was resolved as a ${asked}`,
    };
  }

  private knows(flagKey: string): boolean {
    const flags = this.source.allFlags?.();
    return flags !== undefined
      ? flags.some((flag) => flag.key === flagKey)
      : this.source.evaluate(flagKey, {}).reason !== 'FLAG_NOT_FOUND';
  }

  private readonly onChanged: Listener<'changed'> = (change) => {
    // Only the server sends changes, so one arriving proves the link is back.
    if (this.stale) this.markReady();
    this.events.emit(ProviderEvents.ConfigurationChanged, {
      flagsChanged: [change.key],
      metadata: { seq: change.seq },
    });
  };

  private readonly onError: Listener<'error'> = (error) => {
    // The client emits 'error' first and marks itself disconnected right after; look once it has settled.
    // An error while still connected (a failed bootstrap-file write or telemetry report) leaves the flags
    // current: not stale.
    setImmediate(() => {
      if (!this.following || this.stale || this.source.connected === true) return;
      this.stale = true;
      this.events.emit(ProviderEvents.Stale, {
        message: `Flagledger: answering from the last known flags (${error.message})`,
      });
      if (this.source.connected !== undefined) {
        this.reconnectPoll = setInterval(() => {
          if (this.source.connected === true) this.markReady();
        }, this.reconnectPollMs);
        this.reconnectPoll.unref();
      }
    });
  };

  private markReady(): void {
    this.stale = false;
    this.stopReconnectPoll();
    this.events.emit(ProviderEvents.Ready, { message: 'Flagledger: following the server again' });
  }

  private stopReconnectPoll(): void {
    clearInterval(this.reconnectPoll);
    this.reconnectPoll = undefined;
  }
}

function toFlagledgerContext(context: OpenFeatureContext): EvaluationContext {
  const segment = context.segment;
  return { userId: context.targetingKey, segment: typeof segment === 'string' ? segment : undefined };
}

function flagMetadata(result: EvaluationResult): FlagMetadata {
  const metadata: FlagMetadata = { flagledgerReason: result.reason };
  if (result.flagVersion !== null) metadata.flagVersion = result.flagVersion;
  if (result.bucket !== undefined) metadata.bucket = result.bucket;
  return metadata;
}

function notFound<T>(flagKey: string, defaultValue: T): ResolutionDetails<T> {
  return {
    value: defaultValue,
    reason: StandardResolutionReasons.ERROR,
    errorCode: ErrorCode.FLAG_NOT_FOUND,
    errorMessage: `Flagledger has no flag "${flagKey}"`,
    flagMetadata: { flagledgerReason: 'FLAG_NOT_FOUND' },
  };
}
