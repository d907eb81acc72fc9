/**
 * Summaries are stored under `<prefix>YYYY/MM/DD/` by the UTC date the ARTICLE was uploaded, while the
 * digest window is about when the SUMMARY was stored (LastModified). A summary is stored at most a little
 * after its upload (retries, backlogs), so the partitions from two days before the window's start up to
 * its end hold everything stored inside the window.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
export const PARTITION_SLACK_DAYS = 2;

export function summaryPartitions(prefix: string, from: Date, to: Date): string[] {
  const first =
    Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) - PARTITION_SLACK_DAYS * DAY_MS;
  const partitions: string[] = [];
  for (let day = first; day <= to.getTime(); day += DAY_MS) {
    partitions.push(`${prefix}${new Date(day).toISOString().slice(0, 10).replaceAll('-', '/')}/`);
  }
  return partitions;
}
