import { describe, expect, it } from 'vitest';
import { extractKeywords } from '../../../src/summary/keywords.js';
import { functionWords } from '../../../src/summary/language.js';
import { STOPWORDS } from '../../../src/summary/tokens.js';

/** A short news item written for these tests. */
const RAID =
  'Russian special forces on Sunday raided a militant cell in Nalchik. The special forces troops had tracked ' +
  'the cell for weeks. Russia said the militants planned attacks on police stations. Russian officials said ' +
  'two police stations were targeted. The militants had trained in Syria, the Russian officials said. ' +
  'Police in Nalchik closed roads near the stations. Special forces troops searched the homes of the militants.';

describe('key phrases', () => {
  it('are the phrases the article repeats, as it writes them, one to three words', () => {
    // Act
    const phrases = extractKeywords(RAID);

    // Assess
    expect(phrases).toContain('special forces troops');
    expect(phrases).toContain('police stations');
    expect(phrases).toContain('Nalchik');
    expect(phrases.every((p) => p.split(' ').length <= 3)).toBe(true);
    expect(phrases.every((p) => RAID.toLowerCase().includes(p.toLowerCase()))).toBe(true);
  });

  it('list a country and its adjective, or a singular and its plural, once', () => {
    // Act
    const phrases = extractKeywords(RAID).map((p) => p.toLowerCase());

    // Assess
    expect(phrases.filter((p) => ['russia', 'russian', 'russians'].includes(p)).length).toBeLessThanOrEqual(
      1,
    );
    expect(phrases.filter((p) => ['militant', 'militants'].includes(p))).toHaveLength(1);
  });

  it.each([
    ['China', 'Chinese'],
    ['Britain', 'British'],
    ['Germany', 'German'],
    ['Scotland', 'Scottish'],
    ['Japan', 'Japanese'],
    ['Ukraine', 'Ukrainians'],
    ['Ireland', 'Irish'],
    ['France', 'French'],
    ['Netherlands', 'Dutch'],
    ['Turkey', 'Turkish'],
  ])('take %s and %s as one', (country, adjective) => {
    // Prepare
    const text = `Leaders met in ${country} today. ${adjective} voters went to ${country} polls. The ${adjective} press wrote.`;

    // Act / Assess
    expect(extractKeywords(text)).toHaveLength(1);
  });

  it('keep apart words that only look alike, police and policy', () => {
    // Act / Assess
    expect(extractKeywords('The police changed a policy. Then police said the policy works.')).toEqual([
      'police',
      'policy',
    ]);
  });

  it('do not list a phrase beside its head or the words it mostly stands for', () => {
    // Act
    const phrases = extractKeywords(RAID);

    // Assess: "special forces troops" says "special forces" and "troops" already; "police" is mostly in "police stations".
    expect(phrases).not.toContain('special forces');
    expect(phrases).not.toContain('troops');
    expect(phrases).not.toContain('stations');
  });

  it('keep a word beside a phrase it starts when it also stands alone as often', () => {
    // Prepare
    const text =
      'The council met on Monday. The council vote on the ferry was close. A council vote needs a quorum. ' +
      'The council said the ferry would run. Critics of the council wrote to the council. The ferry runs daily.';

    // Act
    const phrases = extractKeywords(text);

    // Assess
    expect(phrases).toEqual(expect.arrayContaining(['council', 'council vote', 'ferry']));
  });

  it('never start or end with a function word nor consist of numbers, but keep a name such as New York', () => {
    // Prepare
    const text =
      'In New York the mayor of the city spoke. The mayor of the city said 2015 and 2015 again. ' +
      'He visited New York in 2015, and the mayor of the city returned to New York.';

    // Act
    const phrases = extractKeywords(text);

    // Assess
    expect(phrases).toContain('New York');
    expect(phrases).toContain('mayor');
    for (const phrase of phrases) {
      const words = phrase.split(' ');
      expect(STOPWORDS.has(words[0] ?? '')).toBe(false);
      expect(STOPWORDS.has(words.at(-1) ?? '')).toBe(false);
      expect(words.some((w) => /\p{L}/u.test(w))).toBe(true);
    }
  });

  it('keep a phrase over its head word, which comes first in a Romance language and last in English', () => {
    // Prepare: the head stands alone as often as the phrase, so only its place in the phrase tells.
    const french =
      'La piste cyclable ouvre samedi. La piste cyclable suit la rivière. La piste est large. La piste est neuve.';
    const english =
      'The cycle path opens on Saturday. The cycle path follows the river. The path is wide. The path is new.';

    // Act
    const romance = extractKeywords(french, functionWords('fr'), true);
    const headLast = extractKeywords(english);

    // Assess
    expect(romance).toContain('piste cyclable');
    expect(romance).not.toContain('piste');
    expect(headLast).toContain('cycle path');
    expect(headLast).not.toContain('path');
  });

  it('weigh a name and a phrase it opens by how often the name stands alone: a name heads no phrase', () => {
    // Prepare: "France" stands alone five times, and twice opens the party's name.
    const text =
      'La France insoumise a déposé une motion. La France insoumise veut un vote. La France refuse. ' +
      'La France hésite. Le gouvernement de la France attend. La France doute encore. Paris et la France.';

    // Act / Assess
    expect(extractKeywords(text, functionWords('fr'), true)).toEqual(['France', 'France insoumise']);
  });

  it('keep "of" inside a name', () => {
    // Prepare
    const text =
      'The Bank of England raised rates. Analysts expected the Bank of England to wait. Markets fell.';

    // Act / Assess
    expect(extractKeywords(text)).toEqual(['Bank of England']);
  });

  it('show a word as written inside a sentence, not with the capital a sentence start gives it', () => {
    // Act
    const phrases = extractKeywords('Ferries are late. The ferries were late again.');

    // Assess
    expect(phrases).toContain('ferries');
    expect(phrases).not.toContain('Ferries');
  });

  it('are fewer than five in a text too short to repeat five phrases (a key phrase occurs twice)', () => {
    // Act / Assess
    expect(extractKeywords('The harbour ferry will run on electric power from June.')).toEqual([]);
    expect(extractKeywords('The harbour ferry is new. The harbour ferry runs on electric power.')).toEqual([
      'harbour ferry',
    ]);
  });

  it('are at most eight', () => {
    // Prepare
    const nouns = 'harbour ferry council budget tram station bridge quarry harvest library school market';
    const text = nouns
      .split(' ')
      .map((noun) => `The ${noun} opened. Then the ${noun} closed.`)
      .join(' ');

    // Act / Assess
    expect(extractKeywords(text)).toHaveLength(8);
  });

  it("skip the function words of the article's language", () => {
    // Prepare
    const text = 'Die Stadt baut die Bahn. Die Stadt zahlt die Bahn. Die Kosten steigen.';

    // Act
    const phrases = extractKeywords(text, new Set(['die']));

    // Assess
    expect(phrases).toEqual(['Stadt', 'Bahn']);
  });

  it("never list a day or a month alone, in English or the article's language, but keep a phrase holding one", () => {
    // Prepare
    const english =
      'The quay reopens on Monday. On Monday the ferry returns. The December storm closed it. ' +
      'Repairs began in DECEMBER. The quay cost more than the ferry.';
    const german = 'Die Fähre fährt ab Mai. Im Mai kommt die Fähre. Die Insel wartet auf die Fähre.';

    // Act
    const phrases = extractKeywords(english);
    const phrasen = extractKeywords(german, new Set(['die', 'ab', 'im', 'auf']));

    // Assess
    expect(phrases).toEqual(expect.arrayContaining(['quay', 'ferry']));
    expect(phrases.map((p) => p.toLowerCase())).not.toContain('monday');
    expect(phrases.map((p) => p.toLowerCase())).not.toContain('december');
    expect(phrasen).toContain('Fähre');
    expect(phrasen).not.toContain('Mai');
  });
});
