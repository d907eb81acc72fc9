/**
 * One structured JSON logger and one metrics emitter (CloudWatch EMF) for every function. The service name
 * comes from POWERTOOLS_SERVICE_NAME, the metrics namespace from POWERTOOLS_METRICS_NAMESPACE and the `stage`
 * dimension of every metric from STAGE, all set per stage in serverless.yml, so each stage's metrics (and the
 * alarms on them, which match the full dimension set: service and stage) stay apart. The defaults keep local
 * runs readable.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { loadObservabilityConfig } from './config.js';

export const SERVICE_NAME = 'article-digest';
export const logger = new Logger({ serviceName: SERVICE_NAME });

type Attributes = Record<string, unknown>;

/** What a handler logs one record through: the levels it uses, each line with the record's keys. */
export interface RecordLog {
  info(message: string, ...attributes: Attributes[]): void;
  warn(message: string, ...attributes: Attributes[]): void;
  error(message: string, ...attributes: Attributes[]): void;
}

/**
 * `logger` with `keys` on every line, leaving `logger` as it is. Keys appended to the shared logger would be
 * mixed by invocations that overlap in one process (the local stack runs them so); a child logger would
 * start its own cold-start flag and sampling decision. This keeps the invocation's context, cold start and
 * sampling, and the record's keys.
 */
export function logWithKeys(logger: Logger, keys: Attributes): RecordLog {
  return {
    info: (message, ...attributes) => logger.info(message, keys, ...attributes),
    warn: (message, ...attributes) => logger.warn(message, keys, ...attributes),
    error: (message, ...attributes) => logger.error(message, keys, ...attributes),
  };
}

/** The metrics emitter for the given environment: namespace and `stage` dimension as documented above. */
export function createMetrics(settings = loadObservabilityConfig()): Metrics {
  return new Metrics({
    namespace: settings.namespace ?? SERVICE_NAME,
    serviceName: SERVICE_NAME,
    defaultDimensions: { stage: settings.stage },
  });
}

export const metrics = createMetrics();
