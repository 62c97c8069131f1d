// Prints vitest's JSON result as the single closing line CI reads: "N passed, N failed[, N skipped]".
import { readFileSync } from 'node:fs';

const file = process.argv[2];
// A nonzero second argument: a check after vitest (the faults report) failed; it counts as one failure.
const extraFailures = process.argv[3] && process.argv[3] !== '0' ? 1 : 0;
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// A suite that fails to load counts as a failure even though it holds no test.
const brokenSuites = report.testResults.filter(
  (r) => r.status === 'failed' && r.assertionResults.length === 0,
).length;
const failed = report.numFailedTests + brokenSuites + extraFailures;
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
