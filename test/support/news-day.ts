/**
 * A synthetic busy day for previews and tests: `count` uploads about fewer events, several outlets
 * reporting the bigger ones in their own words (a few of the event's facts, different wording), the rest
 * reported once. Deterministic. Made up: it exercises the digest, it does not measure the same-event rule
 * (that needs real, labelled data: see scripts/eval-clusters.ts).
 */
import type { SummaryFixture } from './summary-fixtures.js';

const TOWNS = [
  'Porto',
  'Leith',
  'Ghent',
  'Tromsø',
  'Bilbao',
  'Gdańsk',
  'Cork',
  'Rijeka',
  'Malmö',
  'Aarhus',
  'Brest',
  'Split',
  'Kiel',
  'Galway',
  'Varna',
  'Tallinn',
  'Nantes',
  'Turku',
  'Bergen',
  'Trieste',
  'Dundee',
  'Rostock',
  'Faro',
  'Limassol',
  'Klaipėda',
];

const OUTLETS = [
  'harbour-times.example',
  'dailycoast.example',
  'metro-wire.example',
  'northpost.example',
  'civic-ledger.example',
  'the-tribune.example',
  'bay-news.example',
  'morning-star.example',
];

interface EventTemplate {
  keywords: string[];
  /** Each outlet's version: title and summary, with {town}, {n} and {org} filled in. */
  versions: { title: string; summary: string[] }[];
  org: (town: string) => string;
  unit: string;
}

const TEMPLATES: EventTemplate[] = [
  {
    keywords: ['harbour', 'infrastructure'],
    org: (town) => `${town} Harbour Board`,
    unit: 'metres',
    versions: [
      {
        title: 'Quay widening approved in {town}',
        summary: [
          'The {org} voted to widen the main quay by {n} metres so larger ferries can berth.',
          'Work starts in spring and is paid for by port fees.',
        ],
      },
      {
        title: '{town} quay to be widened by {n} metres after board vote',
        summary: [
          'Larger ferries will be able to berth once the main quay is widened by {n} metres, the {org} decided.',
          'Port fees will pay for the work, which starts in spring.',
        ],
      },
      {
        title: 'Board backs bigger quay for {town} ferries',
        summary: [
          'The {org} approved a {n}-metre widening of the main quay; ferries and port fees pay for it.',
        ],
      },
    ],
  },
  {
    keywords: ['energy', 'climate'],
    org: (town) => `${town} Energy Cooperative`,
    unit: 'turbines',
    versions: [
      {
        title: 'Offshore wind farm off {town} gets the go-ahead',
        summary: [
          'Regulators cleared the {org} to build {n} turbines off the coast of {town}.',
          'The wind farm should power most homes in the region by 2030.',
        ],
      },
      {
        title: '{n} turbines cleared for {town} wind farm',
        summary: [
          'The {org} has permission for {n} offshore turbines, enough to power most homes in the region.',
          'Construction of the wind farm begins next year.',
        ],
      },
      {
        title: 'Green light for {town} offshore turbines',
        summary: [
          'Permission for {n} turbines at sea means the {org} can start building its wind farm next year.',
        ],
      },
    ],
  },
  {
    keywords: ['health', 'hospitals'],
    org: (town) => `${town} General Hospital`,
    unit: 'nurses',
    versions: [
      {
        title: 'Nurses at {town} hospital end their strike',
        summary: [
          '{n} nurses at {org} returned to work after accepting a pay offer.',
          'Planned operations resume on Monday.',
        ],
      },
      {
        title: '{town} hospital strike over as nurses accept pay deal',
        summary: [
          'The strike by {n} nurses at {org} ended after they accepted the pay offer; operations resume.',
        ],
      },
      {
        title: 'Operations resume as {town} nurses return to work',
        summary: [
          'After weeks on strike, {n} nurses are back on the wards of {org} following a new pay offer.',
        ],
      },
    ],
  },
  {
    keywords: ['transport', 'rail'],
    org: (town) => `${town} Rail`,
    unit: 'minutes',
    versions: [
      {
        title: 'New night trains link {town} to the capital',
        summary: [
          '{org} will run night trains to the capital from December, cutting the trip by {n} minutes.',
          'Tickets go on sale next week.',
        ],
      },
      {
        title: '{town} night train service announced',
        summary: [
          'A night train between {town} and the capital starts in December, {org} said; the trip is {n} minutes shorter.',
        ],
      },
      {
        title: 'Sleeper service from {town} to start in December',
        summary: ['Overnight passengers from {town} will save {n} minutes on the new sleeper run by {org}.'],
      },
    ],
  },
  {
    keywords: ['education', 'schools'],
    org: (town) => `${town} School Board`,
    unit: 'pupils',
    versions: [
      {
        title: '{town} opens its first bilingual school',
        summary: [
          'The {org} opened a bilingual primary school for {n} pupils this week.',
          'Lessons are taught half in each language.',
        ],
      },
      {
        title: 'Bilingual primary school welcomes {n} pupils in {town}',
        summary: [
          '{n} pupils started at the first bilingual primary school run by the {org}; lessons are half in each language.',
        ],
      },
      {
        title: 'Two languages, one classroom: {town} school opens',
        summary: [
          'Teaching at the new primary school of the {org}, for {n} pupils, is split between two languages.',
        ],
      },
    ],
  },
  {
    keywords: ['culture', 'museums'],
    org: (town) => `${town} Maritime Museum`,
    unit: 'objects',
    versions: [
      {
        title: 'Shipwreck treasures go on show in {town}',
        summary: [
          'The {org} put {n} objects from a sunken merchant ship on display.',
          'The exhibition runs until the summer.',
        ],
      },
      {
        title: '{town} museum shows {n} objects from sunken merchant ship',
        summary: [
          'Objects recovered from a merchant shipwreck, {n} of them, are on show at the {org} until summer.',
        ],
      },
      {
        title: 'Sunken merchant ship yields {n} objects for {town} exhibition',
        summary: [
          'Divers recovered the {n} objects now on show at the {org}, which runs the exhibition to summer.',
        ],
      },
    ],
  },
];

const FIRST = [
  'Ana',
  'Bruno',
  'Carla',
  'Dmitri',
  'Elin',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Kasia',
  'Luca',
  'Mira',
];
const LAST = [
  'Lopes',
  'Berg',
  'Novak',
  'Costa',
  'Larsen',
  'Haddad',
  'Weiss',
  'Moreau',
  'Silva',
  'Kowalski',
  'Rossi',
  'Dahl',
  'Ferreira',
  'Jensen',
  'Petrov',
  'Murphy',
  'Laine',
];
const REACTIONS = [
  '{person} welcomed the decision but warned that costs could still rise.',
  'Critics led by {person} said the plan ignores the worries of local shopkeepers.',
  '{person}, who campaigned for years, called it a long overdue step.',
  'Opposition councillor {person} questioned whether the budget adds up.',
  'Union representative {person} said workers had been listened to at last.',
  '{person} of the residents association asked for a public meeting first.',
  'Economists such as {person} expect a modest boost to local employment.',
  'Environmental groups, speaking through {person}, want an independent review.',
  '{person} told reporters the timetable was ambitious but realistic.',
  'Business owners represented by {person} fear months of disruption.',
  'Former mayor {person} said the region had waited far too long.',
];
const NEXT_STEPS = [
  'A formal consultation opens next month.',
  'Contracts will be tendered before the end of the year.',
  'The national government still has to sign off on the funding.',
  'Details will be published on the council website on Friday.',
  'An appeal against the decision is possible within six weeks.',
  'Engineers begin surveying the site in January.',
  'Further votes are scheduled for the spring.',
  'A public exhibition of the plans starts on Saturday.',
  'Funding comes partly from a European grant.',
  'Local schools will be briefed during the coming week.',
  'Independent auditors will review the figures every quarter.',
  'Residents can comment online until the end of February.',
  'The first phase is due to be finished within two years.',
];

/** Sentences only this event has: who said what (as one outlet puts it), and what happens next. */
function detail(event: number, report: number): { person: string; sentences: string[] } {
  // Unique per event for the first 13 × 26 × 17 events: one person does not comment on two events.
  const initial = String.fromCharCode(65 + (Math.floor(event / FIRST.length) % 26));
  const last = LAST[Math.floor(event / (FIRST.length * 26)) % LAST.length];
  const person = `${FIRST[event % FIRST.length]} ${initial}. ${last}`;
  const reaction = REACTIONS[(event + report) % REACTIONS.length]!.replace('{person}', person);
  return { person, sentences: [reaction, NEXT_STEPS[event % NEXT_STEPS.length]!] };
}

/** Reports per event, biggest first: a few events many outlets cover, most covered once. */
function reportsFor(event: number): number {
  return Math.max(1, Math.round(8 / (1 + event / 2))) + (event % 5 === 0 ? 1 : 0);
}

export function newsDay(count = 1_000): SummaryFixture[] {
  const fixtures: SummaryFixture[] = [];
  for (let event = 0; fixtures.length < count; event++) {
    const template = TEMPLATES[event % TEMPLATES.length]!;
    const town = TOWNS[Math.floor(event / TEMPLATES.length) % TOWNS.length]!;
    const round = Math.floor(event / (TEMPLATES.length * TOWNS.length));
    const place = round === 0 ? town : `${town} ${round + 1}`;
    const org = template.org(place);
    const n = 20 + ((event * 37) % 400);
    const fill = (text: string) =>
      text.replaceAll('{town}', place).replaceAll('{org}', org).replaceAll('{n}', String(n));
    const reports = Math.min(reportsFor(event), count - fixtures.length);
    for (let r = 0; r < reports; r++) {
      const version = template.versions[r % template.versions.length]!;
      const outlet = OUTLETS[(event + r) % OUTLETS.length]!;
      const slug = `${event}-${r}`;
      const { person, sentences } = detail(event, r);
      fixtures.push({
        key: `articles/${slug}.txt`,
        title: fill(version.title),
        summary: [fill(version.summary[0]!), ...sentences],
        keywords: template.keywords,
        people: [person],
        places: [place],
        organizations: [org],
        numbers: [{ value: n, unit: template.unit, text: `${n} ${template.unit}` }],
        sources: r % 2 === 0 ? [org] : [],
        url: `https://${outlet}/${slug}`,
        wordCount: 300 + ((event * 53 + r * 97) % 900),
      });
    }
  }
  return fixtures;
}
