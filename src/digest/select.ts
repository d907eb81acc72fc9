/**
 * Which stored summaries go into one subscriber's digest: those stored inside the subscriber's window
 * that pass the subscriber's topic/keyword filters.
 */
import type { StoredSummary } from './stored-summary.js';
import type { Window } from './ledger.js';
import type { Subscriber } from './subscribers.js';
import { words } from './text.js';

export function inWindow(item: StoredSummary, window: Window): boolean {
  const at = item.storedAt.getTime();
  return at >= window.from.getTime() && at < window.to.getTime();
}

/**
 * No filters means everything. Topics match the summary's key phrases as whole words: "forces" and "special
 * forces" both match the phrase "special forces". Keywords match words of the text.
 */
export function matchesFilters(
  item: StoredSummary,
  subscriber: Pick<Subscriber, 'topics' | 'keywords'>,
): boolean {
  if (subscriber.topics.length === 0 && subscriber.keywords.length === 0) return true;
  const { summary } = item;
  const phrases = summary.keywords.map((k) => ` ${words(k).join(' ')} `);
  const inPhrases = (topic: string) => {
    const wanted = ` ${words(topic).join(' ')} `;
    return wanted.trim() !== '' && phrases.some((phrase) => phrase.includes(wanted));
  };
  if (subscriber.topics.some(inPhrases)) return true;
  const text = ` ${words([summary.title.text, ...summary.summary, ...summary.keyPoints, ...summary.keywords].join(' ')).join(' ')} `;
  return subscriber.keywords.some((keyword) => text.includes(` ${words(keyword).join(' ')} `));
}

export function selectForSubscriber(
  stored: StoredSummary[],
  subscriber: Pick<Subscriber, 'topics' | 'keywords'>,
  window: Window,
): StoredSummary[] {
  return stored.filter((item) => inWindow(item, window) && matchesFilters(item, subscriber));
}
