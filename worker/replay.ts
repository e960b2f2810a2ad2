import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { History } from '@temporalio/common/lib/proto-utils';
import { connectClient } from '../client/conventions';
import { readEnvironment, temporalConfig } from '../config/env';
import { CONVENTION_WORKFLOW_TYPE } from '../domain/temporal-contract';
import { dataConverterFor, encryptionFromEnvironment } from '../security/encryption';
import { conventionBundleOptions } from './workflow-bundle';

/**
 * Replays the histories of the conventions on a Temporal server through this build's workflow
 * code, before that build is deployed (the container's `replay` role, or `npm run replay`). It
 * reads with the worker's own settings (address, TLS, namespace, encryption keys) and changes
 * nothing. Exit 0: every history replayed; 1: at least one would break (named, with the reason);
 * 2: it could not run.
 */

const USAGE = `usage: replay [--all] [--limit N] [--query "<requête de visibilité>"]
  sans option: toutes les conventions en cours (ExecutionStatus="Running")
  --all        les terminées aussi (dans la durée de rétention du namespace)
  --limit N    les N premières seulement
  --query Q    une requête de visibilité Temporal à la place`;

interface Options {
  query: string;
  limit: number;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      all: { type: 'boolean', default: false },
      limit: { type: 'string' },
      query: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  if (values.limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new Error(`--limit: entier positif attendu, reçu « ${values.limit} »`);
  const byType = `WorkflowType = '${CONVENTION_WORKFLOW_TYPE}'`;
  return {
    query: values.query ?? (values.all ? byType : `${byType} AND ExecutionStatus = 'Running'`),
    limit,
  };
}

async function main(argv: string[]): Promise<number> {
  const { query, limit } = options(argv);
  const env = readEnvironment();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const temporal = temporalConfig(env);
  const dataConverter = dataConverterFor(encryptionFromEnvironment(env));
  const client = await connectClient(temporal, { ...(dataConverter ? { dataConverter } : {}) });
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  const code = bundlePath
    ? { workflowBundle: { codePath: bundlePath } }
    : (() => {
        const { workflowsPath, preloadModules } = conventionBundleOptions(require.resolve('../workflows'));
        return { workflowsPath, bundlerOptions: { preloadModules } };
      })();

  let listed = 0;
  async function* histories(): AsyncGenerator<{ workflowId: string; history: History }> {
    for await (const execution of client.workflow.list({ query })) {
      if (listed >= limit) break;
      listed += 1;
      const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
      yield {
        workflowId: `${execution.workflowId} (${execution.runId})`,
        history: await handle.fetchHistory(),
      };
    }
  }

  console.log(`Rejeu dans ${temporal.namespace} (${temporal.address}): ${query}`);
  let replayed = 0;
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(
    { ...code, ...(dataConverter ? { dataConverter } : {}), replayName: 'rejeu-avant-deploiement' },
    histories(),
  )) {
    replayed += 1;
    if (result.error) {
      failures.push(result.workflowId);
      console.log(`ÉCHEC ${result.workflowId}: ${result.error.message.split('\n')[0]}`);
    }
  }
  await client.connection.close();
  console.log(
    failures.length === 0
      ? `${replayed} historique(s) rejoué(s), aucun écart: cette version peut être déployée.`
      : `${failures.length} historique(s) sur ${replayed} ne se rejouent pas: ne déployez pas cette version (docs/production.md, « Rollback »).`,
  );
  return failures.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`replay: ${error instanceof Error ? error.message : String(error)}`);
    console.error(USAGE);
    process.exit(2);
  },
);
