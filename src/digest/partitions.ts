/**
 * Summaries are stored under `<prefix>YYYY/MM/DD/` by the UTC date the ARTICLE was uploaded (so a
 * redelivered event writes the same key), while the digest window is about when the SUMMARY was stored
 * (LastModified). A summary can be stored long after its upload: Lambda retries for up to 6 hours, and a
 * failed event waits in the dead-letter queue for up to 14 days (its retention) until `npm run redrive`
 * replays it with its original upload time. So a run lists the partitions from 16 days before the window's
 * start up to its end; anything stored inside the window is in one of them. (About 17 LIST requests per
 * hourly run: cents a month.)
 */
const DAY_MS = 24 * 60 * 60 * 1000;
export const PARTITION_SLACK_DAYS = 16;

export function summaryPartitions(prefix: string, from: Date, to: Date): string[] {
  const first =
    Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) - PARTITION_SLACK_DAYS * DAY_MS;
  const partitions: string[] = [];
  for (let day = first; day <= to.getTime(); day += DAY_MS) {
    partitions.push(`${prefix}${new Date(day).toISOString().slice(0, 10).replaceAll('-', '/')}/`);
  }
  return partitions;
}
