/**
 * The installed Temporal binaries start for real through the SDK, with nothing downloaded at run time.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerExecutable, testServerExecutable } from '../../scripts/temporal-binaries';

jest.setTimeout(60_000);

describe('installed Temporal binaries', () => {
  it('the CLI runs a dev server the SDK connects to', async () => {
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: devServerExecutable(), log: { format: 'pretty', level: 'error' } },
    });
    try {
      expect(env.supportsTimeSkipping).toBe(false);
      const info = await env.connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
      const namespace = await env.connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(namespace.namespaceInfo?.name).toBe('default');
    } finally {
      await env.teardown();
    }
  });

  it('the test server runs a time-skipping server the SDK connects to', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: testServerExecutable() },
    });
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      await env.connection.workflowService.getSystemInfo({});
      const before = await env.currentTimeMs();
      await env.sleep('1 day');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(86_400_000);
    } finally {
      await env.teardown();
    }
  });
});
