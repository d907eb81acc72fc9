import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { summarizeDocument } from '../../../src/summary/summarize.js';
import { summarySchema } from '../../../src/summary/schema.js';
import { HTML_BUDGET_BYTES } from '../../../src/digest/compose.js';
import { importance } from '../../../src/digest/importance.js';
import { digestEmail } from '../../../src/digest/email.js';
import { dropNearDuplicates } from '../../../src/digest/near-duplicates.js';
import {
  clusterStories,
  dice,
  MAX_CANDIDATES,
  eventFeatures,
  sameEvent,
  SAME_EVENT_ONE_NAME,
  SAME_EVENT_SIMILARITY,
  SAME_EVENT_WORDS_AND_NAMES,
  type Story,
} from '../../../src/digest/stories.js';
import { rankStories } from '../../../src/digest/top-stories.js';
import type { StoredSummary } from '../../../src/digest/stored-summary.js';
import { storedSummary } from '../../support/digest-memory.js';
import { newsDay } from '../../support/news-day.js';
import { buildSummary, type SummaryFixture } from '../../support/summary-fixtures.js';

const at = new Date('2026-11-24T06:00:00Z');
const item = (fixture: SummaryFixture, storedAt = at): StoredSummary =>
  storedSummary(buildSummary(fixture), storedAt);

const quayA = item({
  key: 'articles/a.txt',
  title: 'Harbour board approves quay widening',
  summary: [
    'The Leith Harbour Board voted on Tuesday to widen the North Quay by 12 metres, at a cost of 4.2 million.',
    'Work on the quay starts in March so that larger ferries can berth.',
  ],
  organizations: ['Leith Harbour Board'],
  places: ['North Quay', 'Leith'],
  numbers: [{ value: 4_200_000, text: '4.2 million' }],
  url: 'https://harbour-times.example/quay',
});
const quayB = item({
  key: 'articles/b.txt',
  title: 'North Quay to be widened after harbour board vote',
  summary: [
    'Larger ferries will be able to berth at the North Quay once it is widened by 12 metres.',
    'The harbour board put the cost at 4.2 million; work starts in March.',
  ],
  organizations: ['Leith Harbour Board'],
  places: ['North Quay'],
  numbers: [{ value: 4_200_000, text: '4.2 million' }],
  url: 'https://dailycoast.example/north-quay',
});
/** The same board and quay, another decision. */
const ferryTerminal = item({
  key: 'articles/c.txt',
  title: 'Harbour board rejects ferry terminal expansion',
  summary: [
    'The Leith Harbour Board turned down plans for a larger ferry terminal at the North Quay.',
    'Residents had complained about noise and traffic from night crossings.',
  ],
  organizations: ['Leith Harbour Board'],
  places: ['North Quay', 'Leith'],
  url: 'https://harbour-times.example/terminal',
});
/** Close in wording, but no name in common. */
const otherTown = item({
  key: 'articles/d.txt',
  title: 'Harbour board approves quay widening',
  summary: [
    'The Ghent port authority voted to widen a quay so that larger ferries can berth, starting in March.',
  ],
  organizations: ['Ghent Port Authority'],
  places: ['Ghent'],
  url: 'https://metro-wire.example/ghent',
});

describe('the same-event rule', () => {
  it('merges two outlets reporting the same event in their own words', () => {
    expect(sameEvent(quayA, quayB)).toBe(true);
    const stories = clusterStories([quayB, quayA]);

    expect(stories).toHaveLength(1);
    const members = stories[0] ? [stories[0].lead, ...stories[0].others] : [];
    expect(members.map((m) => m.summary.source.key).sort()).toEqual(['articles/a.txt', 'articles/b.txt']);
  });

  it('keeps apart different events that name the same board and the same quay', () => {
    expect(sameEvent(quayA, ferryTerminal)).toBe(false);
    expect(sameEvent(quayB, ferryTerminal)).toBe(false);
    expect(dice(eventFeatures(quayA).stems, eventFeatures(ferryTerminal).stems)).toBeLessThan(
      SAME_EVENT_SIMILARITY,
    );
    expect(clusterStories([quayA, quayB, ferryTerminal])).toHaveLength(2);
  });

  it('asks for more alike words when one name is all two stories share', () => {
    const boilerplate = 'Independent auditors will review the figures every quarter.';
    const trains = item({
      key: 'articles/trains.txt',
      title: 'New night trains link Kiel to the capital',
      summary: [
        'Kiel Rail will run sleeper trains to the capital from December, cutting the journey by an hour.',
        'Kasia Weiss welcomed the plan.',
        boilerplate,
      ],
      people: ['Kasia Weiss'],
      places: ['Kiel'],
    });
    const school = item({
      key: 'articles/school.txt',
      title: 'Ghent opens its first bilingual school',
      summary: [
        'The primary school teaches pupils half in Dutch and half in French from this week.',
        'Kasia Weiss welcomed the plan.',
        boilerplate,
      ],
      people: ['Kasia Weiss'],
      places: ['Ghent'],
    });
    const similarity = dice(eventFeatures(trains).stems, eventFeatures(school).stems);

    expect(similarity).toBeGreaterThanOrEqual(SAME_EVENT_SIMILARITY);
    expect(similarity).toBeLessThan(SAME_EVENT_ONE_NAME);
    expect(sameEvent(trains, school)).toBe(false);
  });

  it('keeps apart two events of one kind that share some names but not the main ones', () => {
    // After the ECB+ pairs that merged before the rule was measured: one team, one charge, two players.
    const jackson = item({
      key: 'articles/jackson.txt',
      title: 'Chargers receiver Vincent Jackson arrested on suspicion of drunk driving',
      summary: [
        'San Diego Chargers receiver Vincent Jackson was arrested on suspicion of drunk driving early on Tuesday.',
        'Officers stopped his car after it was seen weaving between lanes.',
      ],
      people: ['Vincent Jackson', 'Brad Baehr'],
      organizations: ['San Diego Chargers', 'California Highway Patrol'],
      places: ['San Diego'],
    });
    const williams = item({
      key: 'articles/williams.txt',
      title: 'Chargers lineman Jamal Williams arrested on suspicion of drunk driving',
      summary: [
        'San Diego Chargers nose tackle Jamal Williams was arrested on suspicion of drunk driving on Sunday.',
        'He was released on bail and the team said it was aware of the arrest.',
      ],
      people: ['Jamal Williams', 'Brian Pennings'],
      organizations: ['San Diego Chargers'],
      places: ['San Diego', 'Interstate 805'],
    });
    const words = dice(eventFeatures(jackson).stems, eventFeatures(williams).stems);
    const names = dice(eventFeatures(jackson).names, eventFeatures(williams).names);

    expect(words).toBeGreaterThanOrEqual(SAME_EVENT_SIMILARITY);
    expect(words + names).toBeLessThan(SAME_EVENT_WORDS_AND_NAMES);
    expect(sameEvent(jackson, williams)).toBe(false);
  });

  it('keeps apart similar wording with no name in common', () => {
    expect(sameEvent(quayA, otherTown)).toBe(false);
  });

  it('tells near-identical copies once: dropped before grouping, as the digest does', () => {
    const copy = item({ key: 'articles/copy.txt', title: 'Harbour board approves quay widening' });
    const original = item({ key: 'articles/orig.txt', title: 'Harbour board approves quay widening' });

    expect(clusterStories(dropNearDuplicates([original, copy]))).toHaveLength(1);
  });

  it('finds a report’s story through its rarest name when a common one is held by more leads than it compares', () => {
    // Prepare: more unrelated stories naming "United States" than one summary is compared with, then the
    // event, then a second report of it that shares "Ana Lopes" with it.
    /** Made-up words no other story uses: "zorbac frintac glimac …". */
    const own = (i: number) =>
      ['zorb', 'frint', 'glim', 'quosh', 'plav', 'drenn'].map(
        (w) => w + String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26)),
      );
    const unrelated = Array.from({ length: 3 * MAX_CANDIDATES }, (_, i) =>
      item({
        key: `articles/other-${i}.txt`,
        title: own(i).slice(0, 3).join(' '),
        summary: [`${own(i).join(' ')}.`],
        places: ['United States'],
        // Cited, so more substantive than the event: these lead their stories first, ahead of it.
        sources: [`${own(i)[5]} Agency`],
        wordCount: 900,
      }),
    );
    const event = item({
      key: 'articles/event.txt',
      title: 'Mayor Ana Lopes opens the new tram line',
      summary: [
        'Mayor Ana Lopes opened the new tram line on Monday, two years late and 40 million over budget.',
      ],
      people: ['Ana Lopes'],
      places: ['United States'],
      wordCount: 600,
    });
    const report = item({
      key: 'articles/report.txt',
      title: 'New tram line opened by Mayor Ana Lopes',
      summary: [
        'The new tram line, two years late and 40 million over budget, was opened by Mayor Ana Lopes.',
      ],
      people: ['Ana Lopes'],
      places: ['United States'],
      wordCount: 300,
    });

    // Act
    const stories = clusterStories([...unrelated, event, report]);

    // Assess
    expect(stories).toHaveLength(unrelated.length + 1);
    expect(stories.find((s) => s.lead === event)?.others).toEqual([report]);
  });

  it('leads each story with its most substantive summary, and puts every upload in exactly one story', () => {
    const day = newsDay(300).map((f, i) => item(f, new Date(at.getTime() + i * 1000)));

    const stories = clusterStories(day);

    const keys = stories.flatMap((s) => [s.lead, ...s.others].map((i) => i.key));
    expect(keys.sort()).toEqual(day.map((i) => i.key).sort());
    /** The fixture's event: its upload is `articles/<event>-<report>.txt`. */
    const eventOf = (i: StoredSummary) => /(\d+)-\d+\.txt$/.exec(i.summary.source.key)?.[1];
    for (const story of stories) {
      expect(new Set([story.lead, ...story.others].map(eventOf)).size).toBe(1);
      const best = Math.max(...story.others.map(importance), importance(story.lead));
      expect(importance(story.lead)).toBe(best);
    }
    expect(stories.length).toBe(new Set(day.map(eventOf)).size);
  });
});

describe('ranking', () => {
  const story = (title: string, fixture: Partial<SummaryFixture> = {}, storedAt = at): Story => ({
    lead: item({ title, key: `articles/${title}.txt`, ...fixture }, storedAt),
    others: [],
  });
  const withReports = (s: Story, n: number): Story => ({
    ...s,
    others: Array.from({ length: n - 1 }, (_, i) => item({ title: `${i}`, key: `articles/r-${i}.txt` })),
  });
  const titles = (stories: Story[]) => stories.map((s) => s.lead.summary.title.text);
  const none = { topics: [], keywords: [] };

  it('puts the events most uploads report first, whatever their substance', () => {
    const big = withReports(story('Covered three times', { wordCount: 100 }), 3);
    const rich = story('Substantive', { wordCount: 3000, sources: ['A', 'B'], keyPoints: ['x', 'y'] });

    expect(titles(rankStories([rich, big], none))).toEqual(['Covered three times', 'Substantive']);
  });

  it('then the subscriber’s topics and keywords, then substance, then recency', () => {
    const interesting = story('Ferry news', { keywords: ['ferries'], wordCount: 200 });
    const rich = story('Rich', { wordCount: 3000, sources: ['A', 'B'] });
    const older = story('Older', {}, new Date(at.getTime() - 3_600_000));
    const newer = story('Newer', {}, at);

    expect(
      titles(rankStories([rich, older, newer, interesting], { topics: ['ferries'], keywords: [] })),
    ).toEqual(['Ferry news', 'Rich', 'Newer', 'Older']);
    expect(titles(rankStories([rich, older, newer, interesting], none))[0]).toBe('Rich');
  });
});

describe('a digest of 1,000 summaries', () => {
  const day = newsDay(1_000).map((f, i) => item(f, new Date(at.getTime() + i * 1000)));
  const items = dropNearDuplicates(day);
  const links = new Map(items.map((i) => [i.key, { url: i.summary.source.url ?? 'https://x.example/' }]));
  const email = digestEmail({
    sender: 'digest@example.com',
    to: 'reader@example.com',
    items,
    links,
    unsubscribeUrl: 'https://unsubscribe.example/u?t=1',
    localDate: '2026-11-24',
  });
  const stories = clusterStories(items).length;

  it('stays under the clip budget with 10 full stories and a correct "and N more"', () => {
    expect(day).toHaveLength(1_000);
    expect(Buffer.byteLength(email.html, 'utf8')).toBeLessThanOrEqual(HTML_BUDGET_BYTES);
    expect(email.html.split('Read the article &rarr;</a>').length - 1).toBe(10);
    expect(email.text.split('\n').filter((line) => line.startsWith('* '))).toHaveLength(10);
    expect(email.html).toContain(`>and ${stories - 10} more</div>`);
    expect(email.text).toContain(`\nand ${stories - 10} more:\n`);
    expect(email.html).toContain('>Also in this period</div>');
    expect(email.html.split('<li style=').length - 1).toBeGreaterThan(0);
  });

  it('names the top story, the biggest event, with its other reports, in the subject and first', () => {
    expect(email.subject).toMatch(new RegExp(`^Your digest for Tue 24 Nov: .+, and ${stories - 1} more$`));
    expect(email.subject).toContain('Porto');
    const first = email.html.indexOf('Also reported by');
    expect(first).toBeGreaterThan(0);
    expect(email.html.indexOf('Read the article')).toBeGreaterThan(first);
    expect(email.text).toMatch(/\n {2}Also reported by [^\n]*https:\/\//);
  });
});

describe('DIGEST_TOP_STORIES', () => {
  it('shows that many stories in full, the subscriber’s interests first among equally covered ones', () => {
    const items = [
      item({ key: 'articles/rich.txt', title: 'Rich story', wordCount: 3000, sources: ['A', 'B'] }),
      item({ key: 'articles/rail.txt', title: 'Night trains return', keywords: ['rail'], wordCount: 200 }),
      item({ key: 'articles/plain.txt', title: 'Plain story', wordCount: 300 }),
    ];
    const links = new Map(items.map((i) => [i.key, { url: `https://news.example/${i.key}` }]));

    const email = digestEmail({
      sender: 'digest@example.com',
      to: 'reader@example.com',
      items,
      links,
      localDate: '2026-11-24',
      topStories: 2,
      interests: { topics: ['rail'], keywords: [] },
    });

    expect(email.html.split('Read the article &rarr;</a>').length - 1).toBe(2);
    expect(email.subject).toBe('Your digest for Tue 24 Nov: Night trains return, and 2 more');
    expect(email.html).toContain('>and 1 more</div>');
    expect(email.html).toContain('>Plain story</a></li>');
  });
});

describe('two events of one town and one day (found in review)', () => {
  // One shared organisation, the same date and the same hour-of-day numbers once lowered the bar to 0.3.
  it('two different crimes in one town on one day are two stories', () => {
    const stored = (title: string, text: string, key: string) => ({
      key,
      storedAt: new Date('2026-11-27T09:00:00Z'),
      summary: summarySchema.parse({
        schemaVersion: 1,
        id: createHash('sha256').update(key).digest('hex').slice(0, 32),
        source: { bucket: 'b', key, size: 100, format: 'text', charset: 'utf-8' },
        ...summarizeDocument({
          format: 'text',
          charset: 'utf-8',
          title,
          text,
          publishedAt: '2026-11-27T08:00:00Z',
        }),
        createdAt: '2026-11-27T09:00:00.000Z',
      }),
    });
    const stabbing = stored(
      'Man arrested after stabbing near Croydon station',
      'A 24-year-old man has been arrested after a stabbing near East Croydon station on Thursday evening, the Metropolitan Police said.\n\nOfficers were called at about 19:40 on November 26 to reports of a man injured outside a shop. A 31-year-old man was taken to hospital with stab wounds; his injuries are not thought to be life-threatening.\n\nDetective Inspector Sarah Moore said officers were keen to hear from anyone who witnessed the attack. A cordon remained in place overnight.',
      'articles/a.txt',
    );
    const robbery = stored(
      'Teenager arrested after phone shop robbery in Croydon',
      'A 17-year-old boy has been arrested after a robbery at a phone shop in Croydon on Thursday, the Metropolitan Police said.\n\nOfficers were called at about 14:10 on November 26 to reports that a group had threatened staff and taken phones worth 12,000 pounds. No one was injured.\n\nPolice said enquiries were continuing and appealed for witnesses who saw the group leave the shop to come forward.',
      'articles/b.txt',
    );
    expect(sameEvent(stabbing, robbery)).toBe(false);
  });
});
