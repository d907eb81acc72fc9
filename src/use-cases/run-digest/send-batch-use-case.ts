/**
 * The sender function's use case: one queued batch of due subscribers, delivered exactly as the planner's
 * inline path delivers (deliver-all.ts), at the batch's share of the account's send rate. A batch cut short
 * by the invocation's end is reported incomplete, so SQS delivers it again: subscribers already done are
 * refused by their claim (the day has its ledger entry) and skipped without a send.
 */
import type { DueSubscriber, SenderDeps } from './deps.js';
import { deliverAll, type DeliveryTally } from './deliver-all.js';
import type { SendBatch } from './send-batch.js';

export type SendBatchReport = DeliveryTally & { complete: boolean };

export async function sendBatch(deps: SenderDeps, batch: SendBatch): Promise<SendBatchReport> {
  const stored = await deps.snapshots.load(batch.summariesKey);
  const targets: DueSubscriber[] = batch.targets.map((target) => ({
    subscriber: target.subscriber,
    localDate: target.localDate,
    window: { from: new Date(target.windowFrom), to: new Date(target.windowTo) },
  }));
  const tally = await deliverAll(deps, targets, stored, new Date(batch.runAt), batch.sendRate);
  deps.log.info('Send batch finished', { runAt: batch.runAt, targets: targets.length, ...tally });
  return { ...tally, complete: tally.deferred === 0 };
}
