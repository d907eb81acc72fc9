/** The article's most frequent content words, each shown in its most common written form. */
import { STOPWORDS, stem, words } from './tokens.js';

const MAX_KEYWORDS = 8;

/** `alsoSkip`: function words of the article's language when it is not English. */
export function extractKeywords(text: string, alsoSkip: ReadonlySet<string> = new Set()): string[] {
  const byStem = new Map<string, { count: number; forms: Map<string, number> }>();
  for (const word of words(text)) {
    if (word.length < 3 || STOPWORDS.has(word) || alsoSkip.has(word) || /\d/.test(word)) continue;
    const key = stem(word);
    const entry = byStem.get(key) ?? { count: 0, forms: new Map<string, number>() };
    entry.count += 1;
    entry.forms.set(word, (entry.forms.get(word) ?? 0) + 1);
    byStem.set(key, entry);
  }
  return [...byStem.values()]
    .filter((e) => e.count >= 2)
    .sort((a, b) => b.count - a.count)
    .slice(0, MAX_KEYWORDS)
    .map((e) => [...e.forms].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0]?.[0] ?? '')
    .filter(Boolean);
}
