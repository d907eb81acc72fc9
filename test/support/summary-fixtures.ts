/** Schema-valid summaries for digest tests: every fixture goes through `summarySchema.parse`. */
import { createHash } from 'node:crypto';
import { summarySchema, type Summary } from '../../src/summary/schema.js';

export interface SummaryFixture {
  title: string;
  titleOrigin?: Summary['title']['origin'];
  summary?: string[];
  keywords?: string[];
  url?: string;
  key?: string;
  people?: string[];
  places?: string[];
  sources?: string[];
  organizations?: string[];
  keyPoints?: string[];
  wordCount?: number;
  numbers?: { value: number; unit?: string; text: string }[];
  dates?: { text: string; iso?: string }[];
}

export function buildSummary(fixture: SummaryFixture): Summary {
  const key = fixture.key ?? `articles/${fixture.title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.txt`;
  const wordCount = fixture.wordCount ?? 600;
  const named = (names: string[] = []) => names.map((name) => ({ name, mentions: 2 }));
  return summarySchema.parse({
    schemaVersion: 1,
    id: createHash('sha256').update(key).digest('hex').slice(0, 32),
    source: {
      bucket: 'digest-test-bucket',
      key,
      size: wordCount * 6,
      format: 'text',
      charset: 'utf-8',
      ...(fixture.url !== undefined && { url: fixture.url }),
    },
    title: { text: fixture.title, origin: fixture.titleOrigin ?? 'document' },
    language: 'en',
    summary: fixture.summary ?? [`${fixture.title} was announced on Monday.`],
    keyPoints: fixture.keyPoints ?? [],
    entities: {
      people: named(fixture.people),
      organizations: named(fixture.organizations),
      places: named(fixture.places),
    },
    dates: fixture.dates ?? [],
    numbers: (fixture.numbers ?? []).map((n) => ({ context: n.text, ...n })),
    quotes: [],
    sources: named(fixture.sources),
    keywords: fixture.keywords ?? [],
    wordCount,
    readingTimeMinutes: Math.max(1, Math.round(wordCount / 230)),
    truncated: false,
    summarizer: { name: 'fixture', version: '1' },
    createdAt: '2026-11-24T06:00:00.000Z',
  });
}

/** The storage key the summarize side would use: `summaries/YYYY/MM/DD/<id>.json` by upload date. */
export function summaryKey(summary: Summary, uploadedAt: Date, prefix = 'summaries/'): string {
  return `${prefix}${uploadedAt.toISOString().slice(0, 10).replaceAll('-', '/')}/${summary.id}.json`;
}

/** A small, varied day of news for previews and rendering tests. */
export const SAMPLE_DAY: SummaryFixture[] = [
  {
    title: 'City council approves the new riverside tram line',
    summary: [
      'The council voted 31 to 12 to fund the first 6 km of the riverside tram line.',
      'Construction starts in spring and the first trams are expected in 2029.',
    ],
    keywords: ['transport', 'council', 'tram'],
    people: ['Mayor Ana Lopes'],
    places: ['Riverside', 'Old Town'],
    sources: ['City Council minutes', 'Transit Authority'],
    keyPoints: ['Fund approved', 'Route published'],
    url: 'https://news.example.com/tram-line',
    wordCount: 900,
  },
  {
    title: 'Bus fares frozen for another year',
    summary: ['Fares stay at 2.40 for a single ticket until next December, the transit authority said.'],
    keywords: ['transport', 'fares'],
    sources: ['Transit Authority'],
    wordCount: 400,
  },
  {
    title: 'Drought pushes reservoir levels to a 30-year low',
    summary: ['Reservoirs in the region hold 41% of capacity, the lowest November level since 1996.'],
    keywords: ['climate', 'water'],
    places: ['Upper Valley'],
    sources: ['Water Board'],
    wordCount: 1200,
  },
  {
    title: 'Heatwave records broken across the south',
    summary: ['Seven weather stations recorded their hottest November day on Sunday.'],
    keywords: ['climate', 'weather'],
    people: ['Dr. Mei Chen'],
    sources: ['Met Office'],
    url: 'https://news.example.com/heat',
    wordCount: 700,
  },
  {
    title: 'Local bakery wins "Best Bread" & a national prize <3',
    summary: ['The judges praised the sourdough\'s "crust & crumb" in their report.'],
    keywords: ['food'],
    people: ["Tom O'Neill"],
    wordCount: 300,
  },
];
