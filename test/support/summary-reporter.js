import { writeSync } from 'node:fs';

// Prints the one closing line CI reads, "N passed, N failed", after Jest's own summary (hence at exit).
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.once('exit', () => writeSync(1, `${results.numPassedTests} passed, ${failed} failed\n`));
  }
}
