/**
 * flagledger/sdk: evaluate Flagledger flags in-process.
 * - FlagledgerClient: follows a Flagledger server; local, synchronous evaluation.
 * - InMemoryFlags: the same interface for tests, with override/reset/forEachFlagState.
 */
export { FlagledgerClient, type FlagledgerClientOptions, type FlagledgerClientEvents } from './flagledger-client.js';
export { InMemoryFlags, type FlagOverride, type FlagState } from './in-memory-flags.js';
export type { FlagSource, SdkFlag, FlagSnapshot } from './flag-source.js';
export type { EvaluationContext, EvaluationResult, EvaluationReason } from '../evaluation-engine/index.js';
