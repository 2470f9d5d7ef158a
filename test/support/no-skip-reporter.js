/**
 * Fails the run when any test was skipped or left as a todo (`it.skip`, `describe.skip`, `.only`
 * elsewhere in a file, `it.todo`): a passing run means every test ran (docs/testing.md). A run
 * filtered by name (`jest -t …`) skips the rest on purpose and is not checked.
 */
class NoSkipReporter {
  constructor(globalConfig) {
    this.filtered = Boolean(globalConfig.testNamePattern);
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    if (this.filtered) return;
    const skipped = [];
    for (const file of results.testResults) {
      for (const t of file.testResults) if (t.status === 'pending' || t.status === 'todo' || t.status === 'skipped') skipped.push(`${t.status}: ${file.testFilePath.replace(`${process.cwd()}/`, '')} › ${t.fullName}`);
    }
    if (results.numPendingTests === 0 && results.numTodoTests === 0 && skipped.length === 0) return;
    const lines = [`NO-SKIP RULE: ${results.numPendingTests} skipped and ${results.numTodoTests} todo test(s); every test must run (docs/testing.md).`, ...skipped.map((l) => `  ${l}`)];
    process.stderr.write(`\n${lines.join('\n')}\n`);
    this.error = new Error(lines[0]);
  }

  // jest exits non-zero when a reporter reports an error here.
  getLastError() {
    return this.error;
  }
}

module.exports = NoSkipReporter;
