/**
 * @module test/support/retriedTests
 * A vitest reporter that names, at the end of the run, every test that failed and then passed
 * on its retry (vitest.config.ts retries the browser tests once). A retried pass leaves no
 * failure section, which is all a CI log keeps: this line is how a flake still gets seen.
 */
import type { Reporter, TestCase } from 'vitest/node';

export default class RetriedTests implements Reporter {
  readonly #flaky: string[] = [];

  onTestCaseResult(test: TestCase): void {
    const d = test.diagnostic();
    if (d && d.retryCount > 0 && test.result().state === 'passed') this.#flaky.push(`${test.module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName} (${d.retryCount} retr${d.retryCount === 1 ? 'y' : 'ies'})`);
  }

  onTestRunEnd(): void {
    if (this.#flaky.length === 0) return;
    console.log(`\nPassed only on a retry (flaky; see each one's page report above):\n${this.#flaky.map((f) => `  - ${f}`).join('\n')}\n`);
  }
}
