/** Chain verification and signed checkpoints. */
export { verifyChain, type VerifyResult } from './chain-verifier.js';
export { isValidCheckpointSignature } from './checkpoint-signature.js';
export { IntegrityModule } from './integrity.module.js';
export { latestSignedCheckpoint } from './latest-signed-checkpoint.js';
export { toSignedCheckpoint, type SignedCheckpointTable } from './signed-checkpoint.table.js';
export { parsePublicKey, SIGNING_KEY, SIGNING_KEY_FILE, type SigningKey } from './signing-key.js';
