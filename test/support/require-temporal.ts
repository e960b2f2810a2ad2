/**
 * Jest globalSetup of the suites that start a Temporal server (workflows, e2e): fails the run at once, with
 * what to do, when the Temporal binaries are not installed, instead of letting each test time out.
 */
import { resolveTemporalBinaries } from '../../scripts/temporal-binaries';

export default function requireTemporal(): Promise<void> {
  try {
    resolveTemporalBinaries();
    return Promise.resolve();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return Promise.reject(
      new Error(`Temporal binaries are required by these tests. ${message}`, { cause: error }),
    );
  }
}
