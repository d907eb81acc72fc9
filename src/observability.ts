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

/** The metrics emitter for the given environment: namespace and `stage` dimension as documented above. */
export function createMetrics(settings = loadObservabilityConfig()): Metrics {
  return new Metrics({
    namespace: settings.namespace ?? SERVICE_NAME,
    serviceName: SERVICE_NAME,
    defaultDimensions: { stage: settings.stage },
  });
}

export const metrics = createMetrics();
