import { DefaultLogger, type LogEntry, type Logger } from '@temporalio/worker';
import pino, { type LoggerOptions } from 'pino';
import type { Environment } from './env';
import { logFormat, readEnvironment } from './env';

/**
 * Logs of the two processes. In JSON format (production) every line is one object with `time`
 * (ISO 8601), `level` (a name), `service` and `msg`, so a log collector reads them without
 * parsing rules. The API logs through Fastify's pino; the worker forwards the Temporal runtime's
 * logs (SDK, workflows, activities and the native core) to the same kind of lines.
 */

export type ServiceName = 'iscg-api' | 'iscg-worker';

/** Pino settings shared by the API (Fastify's `logger` option) and the worker's JSON sink. */
export function pinoOptions(env: Environment, service: ServiceName): LoggerOptions {
  return {
    level: env.LOG_LEVEL,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Bearer tokens never reach a log line, whatever a future serializer includes.
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[masqué]' },
  };
}

const TEMPORAL_LEVEL = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
} as const;

/** Pino's `silent` has no Temporal counterpart: the closest is to keep errors only. */
function temporalLevel(level: Environment['LOG_LEVEL']): LogEntry['level'] {
  switch (level) {
    case 'trace':
      return 'TRACE';
    case 'debug':
      return 'DEBUG';
    case 'info':
      return 'INFO';
    case 'warn':
      return 'WARN';
    default:
      return 'ERROR';
  }
}

/**
 * The worker's logger, installed into the Temporal runtime. In JSON format each entry becomes one
 * pino line stamped with the entry's own time (the runtime buffers and reorders entries briefly),
 * filtered by LOG_LEVEL.
 */
export function workerLogger(env: Environment, destination?: pino.DestinationStream): Logger {
  // Text format is development's: Temporal's default logger as it always was (INFO, whatever
  // LOG_LEVEL quiets in the API), so that `npm start` shows the worker's state changes.
  if (logFormat(env) === 'text') return new DefaultLogger('INFO');
  const level = temporalLevel(env.LOG_LEVEL);
  const sink = pino(
    {
      ...pinoOptions(env, 'iscg-worker'),
      level: 'trace',
      timestamp: false,
      serializers: { error: pino.stdSerializers.err, err: pino.stdSerializers.err },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return new DefaultLogger(level, (entry: LogEntry) => {
    const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
    sink[TEMPORAL_LEVEL[entry.level]]({ time, ...entry.meta }, entry.message);
  });
}

/**
 * A fatal start-up error (bad configuration, unreachable dependency) as the last log line, in the
 * process's format, before it exits non-zero.
 */
export function logFatal(env: Environment | null, service: ServiceName, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  // A configuration error says all in its message; anything else keeps its stack.
  const expected =
    error instanceof Error && (error.name === 'ConfigError' || error.name === 'ApiKeysConfigError');
  const json = env ? logFormat(env) === 'json' : process.env.ISCG_ENV === 'production';
  if (!json) {
    console.error(expected ? message : error);
    return;
  }
  const line = {
    level: 'fatal',
    time: new Date().toISOString(),
    service,
    msg: message,
    ...(error instanceof Error && !expected ? { err: pino.stdSerializers.err(error) } : {}),
  };
  process.stderr.write(`${JSON.stringify(line)}\n`);
}

/**
 * Runs a service's `main` with the environment read: an unreadable configuration or a failure of
 * `main` is logged by {@link logFatal} and ends the process with status 1.
 */
export function runService(service: ServiceName, main: (env: Environment) => Promise<void>): void {
  let env: Environment;
  try {
    env = readEnvironment();
  } catch (error) {
    logFatal(null, service, error);
    process.exit(1);
  }
  main(env).catch((error: unknown) => {
    logFatal(env, service, error);
    process.exit(1);
  });
}
