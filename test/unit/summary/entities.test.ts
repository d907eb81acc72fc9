import { describe, expect, it } from 'vitest';
import { extractEntities, type Entities } from '../../../src/summary/entities.js';
import { detectLanguage } from '../../../src/summary/language.js';
import { splitSentences } from '../../../src/summary/sentences.js';

/** The extractor as summarizeDocument calls it: sentences and language read from the text first. */
function entitiesOf(text: string, language = detectLanguage(text)): Entities {
  return extractEntities(text, splitSentences(text), language);
}

const names = (list: ReadonlyArray<{ name: string }>) => list.map((e) => e.name).sort();

describe('English entities', () => {
  it('reads people from first names, titles and "said", and merges surnames into the full name', () => {
    // Prepare
    const text =
      'Harbour master Wendel Okafor said on Monday that the quay would reopen in spring. Okafor, 52, has run ' +
      'the port for a decade. Mr Brannigan, who chairs the fishermen, welcomed the plan. "We have waited ' +
      'long enough," said Tilda Marsh. Marsh said the boats were ready.';

    // Act
    const { people } = entitiesOf(text);

    // Assess
    expect(people).toEqual(
      expect.arrayContaining([
        { name: 'Wendel Okafor', mentions: 2 },
        { name: 'Tilda Marsh', mentions: 2 },
        { name: 'Brannigan', mentions: 1 },
      ]),
    );
    expect(names(people)).not.toContain('Monday');
  });

  it('types organizations by their own words, acronyms and news agencies', () => {
    // Prepare
    const text =
      'Shares of Glenmoor Holdings fell after the Ministry of Transport fined the company. The Port Calder ' +
      'Harbour Commission said it would appeal, Reuters reported. The IMF and the U.N. were not asked. ' +
      'Analysts at Fennick Bank expect a settlement.';

    // Act
    const { organizations, people } = entitiesOf(text);

    // Assess
    expect(names(organizations)).toEqual(
      expect.arrayContaining([
        'Glenmoor Holdings',
        'Ministry of Transport',
        'Port Calder Harbour Commission',
        'Reuters',
        'IMF',
        'U.N.',
        'Fennick Bank',
      ]),
    );
    expect(people).toEqual([]);
  });

  it('reads a body from the noun in apposition either side of it, and a first name still makes a person', () => {
    // Prepare
    const text =
      "The quarry's owner, Ardley Aggregates, has agreed to lease the site. Haulage firm Brackwell Sands " +
      "will move the spoil. The club's owner, Graham Pell, welcomed the deal. Police blamed Kessel Vanguard, " +
      'a militant separatist group, for the attack. Instead, a local group will run it.';

    // Act
    const { organizations, people } = entitiesOf(text);

    // Assess
    expect(names(organizations)).toEqual(['Ardley Aggregates', 'Brackwell Sands', 'Kessel Vanguard']);
    expect(names(people)).toEqual(['Graham Pell']);
  });

  it('reads places from gazetteers, datelines, "-based" and "in"', () => {
    // Prepare
    const text =
      'OSLO 2026-11-30\nA Lisbon-based shipping firm opened an office in Valletta on Tuesday, with routes to ' +
      'Norway, the Middle East and U.S. ports.';

    // Act
    const { places, organizations } = entitiesOf(text);

    // Assess
    expect(names(places)).toEqual(['Lisbon', 'Middle East', 'Norway', 'Oslo', 'U.S.', 'Valletta']);
    expect(organizations).toEqual([]);
  });

  it('reads a place from "the village of", "the town of" and "north of" before it', () => {
    // Prepare
    const text =
      "Pickers in the village of Saint-Félix-d'Orbelle, in the hills north of Béziers, started at dawn. " +
      'The town of Orvenne followed.';

    // Act
    const { places, people } = entitiesOf(text);

    // Assess
    expect(names(places)).toEqual(['Béziers', 'Orvenne', "Saint-Félix-d'Orbelle"]);
    expect(people).toEqual([]);
  });

  it('takes a county or city in a fixture as its club, and a country as a place', () => {
    // Prepare
    const text =
      'Hampshire beat Kent by six wickets at the Rose Bowl, while Portugal drew with Wales in the friendly. ' +
      'Kent captain Ollie Tarrant said his side had batted poorly.';

    // Act
    const entities = entitiesOf(text);

    // Assess
    expect(names(entities.organizations)).toEqual(['Hampshire', 'Kent']);
    expect(names(entities.places)).toEqual(expect.arrayContaining(['Portugal', 'Wales']));
    expect(names(entities.people)).toEqual(['Ollie Tarrant']);
  });

  it('separates a title, a nationality or a relation from the name it is glued to', () => {
    // Prepare
    const text =
      'Visiting Ghanaian President Kofi Mensah-Boateng met Dutch Prime Minister Anneke de Wit in The Hague, ' +
      'where the Rotterdam-based Veldhaven Group has its offices.';

    // Act
    const entities = entitiesOf(text);

    // Assess
    expect(names(entities.people)).toEqual(['Anneke de Wit', 'Kofi Mensah-Boateng']);
    expect(names(entities.organizations)).toEqual(['Veldhaven Group']);
    expect(names(entities.places)).toEqual(expect.arrayContaining(['Rotterdam']));
  });

  it('reads a place from the title it belongs to and from the country after it', () => {
    // Prepare
    const text =
      "The Lord Mayor of Brackwell, Councillor Idris Penhallow, opened the Quarry Walkers' Association " +
      'hut near Drumlaggan, Scotland, and praised the novel "Winter Over Kelder" for its maps.';

    // Act
    const entities = entitiesOf(text);

    // Assess
    expect(names(entities.places)).toEqual(['Brackwell', 'Drumlaggan', 'Scotland']);
    expect(names(entities.people)).toEqual(['Idris Penhallow']);
    expect(names(entities.organizations)).toEqual(["Quarry Walkers' Association"]);
  });

  it('keeps nationalities, events, days and sentence-initial words out of every list', () => {
    // Prepare
    const text =
      'However, the Brazilian squad arrived on Thursday for the World Cup. Unfortunately, the Labor Day ' +
      'parade was cancelled. "Obviously we are disappointed," said coach Rui Anselmo.';

    // Act
    const entities = entitiesOf(text);

    // Assess
    expect(entities).toEqual({
      people: [{ name: 'Rui Anselmo', mentions: 1 }],
      organizations: [],
      places: [],
    });
  });

  it('reads a name right before a facility or landform noun as its site, not a person', () => {
    // Prepare
    const text =
      'Water rose behind Ostby Crag dam overnight. Traffic crossed Wendle Hope bridge slowly, and ' +
      'Marit Solberg watched from the bank.';

    // Act
    const { places, people } = entitiesOf(text);

    // Assess
    expect(names(places)).toEqual(['Ostby Crag', 'Wendle Hope']);
    expect(names(people)).toEqual(['Marit Solberg']);
  });

  it('reads a name joined by "and" to a place after "at" or "in" as a place, but not at a sentence start', () => {
    // Prepare
    const text =
      'Lorries were sent to depots at Pellworth and Sanda Rigg on Tuesday. Norway and Brede Alnes ' +
      'signed the accord.';

    // Act
    const { places, people } = entitiesOf(text);

    // Assess
    expect(names(places)).toEqual(expect.arrayContaining(['Pellworth', 'Sanda Rigg']));
    expect(names(places)).not.toContain('Brede Alnes');
    expect(names(people)).toEqual(['Brede Alnes']);
  });

  it('reads a name after "told the" or "according to the" as a body, not a person', () => {
    // Prepare
    const text =
      'The ferry operator told the Wexcombe Sentinel that sailings would resume. According to the ' +
      'Pellam Ledger, the repairs cost twice the estimate.';

    // Act
    const { organizations, people } = entitiesOf(text);

    // Assess
    expect(names(organizations)).toEqual(['Pellam Ledger', 'Wexcombe Sentinel']);
    expect(people).toEqual([]);
  });

  it('takes no bare two-word name after "the" for a person', () => {
    // Prepare
    const text = 'Visitors queued outside the Corran Pavilion all afternoon, and Ilse Vardy sold tickets.';

    // Act
    const { people } = entitiesOf(text);

    // Assess
    expect(names(people)).toEqual(['Ilse Vardy']);
  });

  it('types a name ending in Directorate, Inspectorate, Secretariat, Administration or Consortium as an organization', () => {
    // Prepare
    const text =
      'Officials from the Western Fisheries Directorate met the Northern Schools Inspectorate, the ' +
      'Coastal Treaty Secretariat, the Southern Water Administration and the Fenmoor Builders Consortium.';

    // Act
    const { organizations, places } = entitiesOf(text);

    // Assess
    expect(names(organizations)).toEqual([
      'Coastal Treaty Secretariat',
      'Fenmoor Builders Consortium',
      'Northern Schools Inspectorate',
      'Southern Water Administration',
      'Western Fisheries Directorate',
    ]);
    expect(places).toEqual([]);
  });

  it("counts a place named inside an organization's name as the organization's mention, not the place's", () => {
    // Prepare: "Wexcombe" stands alone twice and twice more inside "Wexcombe Town Council".
    const text =
      'Floods reached Wexcombe on Monday. The Wexcombe Town Council said the river had peaked, and a ' +
      'Wexcombe Town Council survey counted the homes affected in Wexcombe.';

    // Act
    const { organizations, places } = entitiesOf(text);

    // Assess
    expect(places).toEqual([{ name: 'Wexcombe', mentions: 2 }]);
    expect(organizations).toEqual([{ name: 'Wexcombe Town Council', mentions: 2 }]);
  });

  it('lists at most 30 names per type, the most mentioned first', () => {
    // Prepare: forty people (PersonAa … PersonBn), the last one named three times.
    const letter = (i: number) =>
      String.fromCharCode(65 + Math.floor(i / 26)) + String.fromCharCode(97 + (i % 26));
    const people = Array.from({ length: 40 }, (_, i) => `Mr Person${letter(i)}`);
    const text = `${people.map((p) => `${p} arrived.`).join(' ')} Mr PersonBn left. Mr PersonBn stayed.`;

    // Act
    const result = entitiesOf(text, 'en');

    // Assess
    expect(result.people).toHaveLength(30);
    expect(result.people[0]).toEqual({ name: 'PersonBn', mentions: 3 });
  });
});

describe('entities of other languages', () => {
  it('in German take only first-name-led names and known places: capitalized nouns are no one', () => {
    // Prepare
    const text =
      'Die Landesregierung stellt zwei Milliarden Euro für neue Radwege bereit. Verkehrsministerin Sabine ' +
      'Kessler sagte in Hamburg, die Arbeiten würden im Sommer beginnen. Der Rechnungshof kritisiert die ' +
      'Planung, und die Opposition fordert mehr Geld für Busse und Bahnen.';

    // Act
    const entities = entitiesOf(text);

    // Assess
    expect(detectLanguage(text)).toBe('de');
    expect(entities).toEqual({
      people: [{ name: 'Sabine Kessler', mentions: 1 }],
      organizations: [],
      places: [{ name: 'Hamburg', mentions: 1 }],
    });
  });

  it('in French read names and organizations from capitals, which French gives to names only', () => {
    // Prepare
    const text =
      "Le conseil régional a voté un budget de 30 millions d'euros pour le port de Marseille. Selon la " +
      'Banque de France, la croissance est faible et les investissements ne sont pas pour demain. La ' +
      'présidente Hélène Castagnet a salué un accord historique avec les pêcheurs de la région, dans un ' +
      'climat que les syndicats jugent tendu.';

    // Act
    const entities = entitiesOf(text);

    // Assess
    expect(detectLanguage(text)).toBe('fr');
    expect(entities).toEqual({
      people: [{ name: 'Hélène Castagnet', mentions: 1 }],
      organizations: [{ name: 'Banque de France', mentions: 1 }],
      places: [{ name: 'Marseille', mentions: 1 }],
    });
  });

  it.each([
    [
      'fr',
      "Le conseil a ouvert une piste entre le village de Saint-Orbec et la gare de Ravenelle, jusqu'à la " +
        "ville d'Orvelle. L'association Roue Libre demande des bancs. Selon la société, Dufour a quitté " +
        'ses fonctions. Le maire a écrit à Marchetti et travaille en Bretagne. Le rapport de Lemaire est ' +
        "attendu. Il a rejoint le groupe. Vasseur a refusé. Le marché du quartier de l'Horloge rouvre.",
      { places: ['Orvelle', 'Ravenelle', 'Saint-Orbec'], organizations: ['Roue Libre'] },
    ],
    [
      'es',
      'El ayuntamiento de la ciudad de Tresmontes abrió una biblioteca el lunes, y el grupo Vesta Obras la ' +
        'construirá. Según la empresa, Gómez dimitió el viernes. Los vecinos confían en Sandoval para la obra.',
      { places: ['Tresmontes'], organizations: ['Vesta Obras'] },
    ],
    [
      'it',
      "Il consiglio del comune di Valdosca ha approvato il progetto e l'azienda Ferroluce lo realizzerà. " +
        "Secondo l'azienda, Rossetti ha lasciato l'incarico. Il sindaco ha detto a Bellandi che la riforma " +
        'passerà in Senato.',
      { places: ['Valdosca'], organizations: ['Ferroluce'] },
    ],
    [
      'pt',
      'A prefeitura da cidade de Serra Alta aprovou a obra, e a empresa Lumitec Energia vai construir ' +
        'a ponte. Segundo a empresa, Oliveira deixou o cargo. Os eleitores votaram em Tavares no domingo.',
      { places: ['Serra Alta'], organizations: ['Lumitec Energia'] },
    ],
  ])(
    'in %s read a place from a place noun and "de" before it and a body from its noun, not from a preposition, another noun or across punctuation',
    (language, text, expected) => {
      // Act
      const entities = entitiesOf(text);

      // Assess
      expect(detectLanguage(text)).toBe(language);
      expect(names(entities.places)).toEqual(expected.places);
      expect(names(entities.organizations)).toEqual(expected.organizations);
    },
  );

  it('in Russian read a name led by a first name, whatever its case ending', () => {
    // Prepare
    const text =
      'Городские власти решили отремонтировать старый мост через реку. По словам Ирины Соколовой, работы ' +
      'займут два года и обойдутся в три миллиарда рублей. Жители района поддержали это решение на встрече ' +
      'с депутатами.';

    // Act
    const entities = entitiesOf(text);

    // Assess
    expect(detectLanguage(text)).toBe('ru');
    expect(entities).toEqual({
      people: [{ name: 'Ирины Соколовой', mentions: 1 }],
      organizations: [],
      places: [],
    });
  });
});

describe('entity extraction on hostile text', () => {
  it('reads 200,000 characters of capitalized words and of one capitalized "word" within a bound', () => {
    // Prepare
    const runs = 'The Mayor Said The New Tram Line Would Open Soon And '.repeat(4_000);
    const word = `${'A'.repeat(199_970)} The tram opens now.`;

    // Act
    const started = performance.now();
    const fromRuns = entitiesOf(runs, 'en');
    entitiesOf(word, 'en');
    const ms = performance.now() - started;

    // Assess: generous for a shared machine; the quadratic versions took minutes.
    expect(ms).toBeLessThan(5_000);
    expect(fromRuns.people.length).toBeLessThanOrEqual(30);
  });
});
