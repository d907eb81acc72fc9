import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { createDigestHandler, eventTime } from '../../../src/handlers/digest-handler.js';
import { memoryDeps, quietLogger, stored } from '../../support/digest-memory.js';
import { eventBridgeScheduledEvent, scheduledEvent } from '../../support/digest-events.js';
import { buildSummary } from '../../support/summary-fixtures.js';

describe('the digest handler', () => {
  it('takes "now" from the Scheduler input or the EventBridge event, and the clock only without one', () => {
    const clock = () => new Date('2030-01-01T00:00:00Z');

    expect(eventTime(scheduledEvent(), clock)).toEqual(new Date('2026-11-24T07:00:00Z'));
    expect(eventTime(eventBridgeScheduledEvent(), clock)).toEqual(new Date('2026-11-24T07:00:00Z'));
    expect(eventTime({}, clock)).toEqual(clock());
    expect(eventTime(null, clock)).toEqual(clock());
    expect(eventTime({ time: 'yesterday' }, clock)).toEqual(clock());
  });

  it('runs the digest for the event time and emits DigestsSent and DigestsFailed', async () => {
    const { deps, mailer } = memoryDeps({
      document: { subscribers: [{ email: 'ana@example.com', timeZone: 'UTC', sendAt: '07:00' }] },
      objects: [stored(buildSummary({ title: 'Story' }), new Date('2026-11-24T06:00:00Z'))],
    });
    const metrics = new Metrics({ namespace: 'test', serviceName: 'digest' });
    const added = vi.spyOn(metrics, 'addMetric');
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const handler = createDigestHandler(deps, quietLogger(), metrics);

    const report = await handler(scheduledEvent(), {} as never);

    expect(report).toMatchObject({ sent: 1, failed: 0 });
    expect(mailer.sent).toHaveLength(1);
    expect(added.mock.calls).toEqual([
      ['DigestsSent', 'Count', 1],
      ['DigestsFailed', 'Count', 0],
    ]);
  });
});
