import { describe, expect, it } from 'vitest';
import { summarizePlainText } from '../../../src/summary/plain-text.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ungroundedSpans } from '../../support/grounding.js';
import { SAMPLES_DIR } from '../../support/samples.js';

/** Short news items written for these tests, one per language. */
const STORIES = {
  de:
    'Die Stadt Freiburg investiert 40 Milliarden Euro in neue Straßenbahnlinien. Bürgermeister Martin Horn ' +
    'sagte am Dienstag, die Bauarbeiten beginnen im Frühjahr. Die Verkehrsbetriebe rechnen mit zwölf Prozent ' +
    'mehr Fahrgästen. Kritiker bemängeln die hohen Kosten und die lange Bauzeit. Der Gemeinderat hat dem Plan ' +
    'mit großer Mehrheit zugestimmt.',
  fr:
    "La ville de Lyon va construire une nouvelle ligne de tramway d'ici 2028. Le maire Grégory Doucet a " +
    "annoncé mardi un budget de 400 millions d'euros. Les habitants du quartier de la Part-Dieu attendent ce " +
    'projet depuis longtemps. Selon la Métropole, la ligne transportera 60 000 voyageurs par jour. Les travaux ' +
    'commenceront au printemps prochain.',
  ru:
    'Власти Новосибирска объявили о строительстве новой линии метро. Мэр города Анатолий Локоть сообщил во ' +
    'вторник, что работы начнутся весной. Стоимость проекта составит 40 миллиардов рублей. Жители района ' +
    'давно ждали этого решения. По словам чиновников, линия будет открыта в 2030 году.',
};

describe('articles that are not in English', () => {
  it.each([
    ['de', 'Martin Horn', ['Freiburg']],
    ['fr', 'Grégory Doucet', ['Lyon']],
    ['ru', 'Анатолий Локоть', []],
  ] as const)(
    'in %s get a grounded summary and only the names their capitals show (no common noun as a person)',
    (language, person, places) => {
      // Prepare
      const story = STORIES[language];

      // Act
      const content = summarizePlainText(story);

      // Assess
      expect(content.language).toBe(language);
      expect(content.entities).toEqual({
        people: [{ name: person, mentions: 1 }],
        organizations: [],
        places: places.map((name) => ({ name, mentions: 1 })),
      });
      expect(content.summary.length).toBeGreaterThan(0);
      expect(ungroundedSpans(content, story)).toEqual([]);
    },
  );

  it('keep function words of their language out of the key words', () => {
    const content = summarizePlainText(`${STORIES.de} ${STORIES.de.replaceAll('Freiburg', 'Ulm')}`);

    expect(content.keywords.filter((k) => ['die', 'und', 'der', 'das', 'mit'].includes(k))).toEqual([]);
  });

  it('still get entities when they are English', () => {
    const content = summarizePlainText(
      'Mayor Ana Ferreira opened the new bridge in Porto on Monday. The city council said it cost 12 million ' +
        'euros. Ferreira said the bridge would cut journeys by half.',
    );

    expect(content.entities.people.map((p) => p.name)).toContain('Ana Ferreira');
  });
});

describe('the German and French samples', () => {
  const sample = (name: string) => summarizePlainText(readFileSync(join(SAMPLES_DIR, name), 'utf-8'));

  it('keep German function words out of the key phrases, and a capitalised noun that is also a town out of the places', () => {
    const content = sample('seefaehre-elektrisch.de.txt');

    expect(content.language).toBe('de');
    expect(content.keywords.filter((k) => /^(?:ihre|für|dem|die|der|rund)$/i.test(k))).toEqual([]);
    // "bis Ende Januar": Ende is a town in Indonesia, and a noun here.
    expect(content.entities.places.map((p) => p.name)).not.toContain('Ende');
    expect(content.entities.people.map((p) => p.name)).toEqual(['Annette Brückner', 'Tobias Lindqvist']);
    // "ab dem 1. Mai 2027": a German ordinal day does not end the sentence.
    expect(content.summary.some((s) => s.includes('ab dem 1. Mai 2027 im Halbstundentakt'))).toBe(true);
  });

  it('read quotations in German „…“ and French « … » marks', () => {
    expect(sample('seefaehre-elektrisch.de.txt').quotes.map((q) => q.text)).toEqual([
      'Wir sparen nicht nur Diesel, sondern auch Lärm',
    ]);
    expect(sample('piste-cyclable.fr.txt').quotes.map((q) => q.text)).toEqual([
      'Nos élèves pourront aller au lycée à vélo en toute sécurité',
    ]);
    expect(sample('piste-cyclable.fr.txt').keywords).not.toContain('ont');
  });
});
