import { describe, expect, it } from 'vitest';
import { extractDates } from '../../../src/summary/dates.js';
import { mergeVariants } from '../../../src/summary/entities.js';
import { detectLanguage } from '../../../src/summary/language.js';
import { extractNumbers } from '../../../src/summary/numbers.js';
import { extractQuotes } from '../../../src/summary/quotes.js';
import { splitSentences } from '../../../src/summary/sentences.js';
import { extractSources } from '../../../src/summary/sources.js';

describe('sentence splitting', () => {
  it('does not cut after titles, initials and dotted acronyms', () => {
    // Act
    const sentences = splitSentences(
      'Mr. Smith met J. K. Rowling in the U.S. on Friday. Dr. Jones was not there.',
    );

    // Assess
    expect(sentences.map((s) => s.text)).toEqual([
      'Mr. Smith met J. K. Rowling in the U.S. on Friday.',
      'Dr. Jones was not there.',
    ]);
  });

  it('cuts a photo caption that lost its period from the sentence it runs into, keeping offsets', () => {
    // Prepare
    const text =
      'Models blend into the woodland In many of the pictures, the paint hides them. A Title In Capitals stays.';

    // Act
    const sentences = splitSentences(text);

    // Assess
    expect(sentences.map((s) => s.text)).toEqual([
      'Models blend into the woodland',
      'In many of the pictures, the paint hides them.',
      'A Title In Capitals stays.',
    ]);
    expect(sentences.every((s) => text.slice(s.start, s.start + s.text.length) === s.text)).toBe(true);
  });
});

describe('dates', () => {
  it('keeps dates as written and resolves them to ISO when the text or the publication year fixes them', () => {
    // Act
    const dates = extractDates(
      'On November 10 the raid began; a trial opened on 5 March 2014 and ended in 2015.',
      '2015-11-29',
    );

    // Assess
    expect(dates.map(({ text, iso }) => ({ text, iso }))).toEqual([
      { text: 'November 10', iso: '2015-11-10' },
      { text: '5 March 2014', iso: '2014-03-05' },
      { text: '2015', iso: '2015' },
    ]);
  });
});

describe('numbers', () => {
  it('reads currency, scale and unit and keeps the literal as it appears in the text', () => {
    // Act
    const numbers = extractNumbers('Profits jumped 76% to $1.13bn (£600m) as 3,000 workers joined.');

    // Assess
    expect(numbers.map(({ value, unit, text }) => ({ value, unit, text }))).toEqual([
      { value: 76, unit: 'percent', text: '76%' },
      { value: 1.13e9, unit: 'USD', text: '$1.13bn' },
      { value: 600e6, unit: 'GBP', text: '£600m' },
      { value: 3000, unit: 'workers', text: '3,000 workers' },
    ]);
  });
});

describe('sources', () => {
  it('finds outlets in attribution frames but not people or vague sources', () => {
    // Prepare
    const text =
      'Troops stormed the bunker, according to a report by the Russian news agency Interfax . ' +
      'The footage was courtesy of RT. Reuters reported the death toll. According to police, nobody fled. ' +
      'According to Michael Smith, the raid was planned.';

    // Act
    const sources = extractSources(text);

    // Assess
    expect(sources.map((s) => s.name).sort()).toEqual(['Interfax', 'RT', 'Reuters']);
  });
});

describe('quotes', () => {
  it('attributes a quote to the named speaker, and a "he said" to the person last named', () => {
    // Prepare
    const text =
      'Ellen Stofan spoke on Tuesday. "We know where to look and how to look," she said. ' +
      '"We are not talking about little green men," Stofan said.';

    // Act
    const quotes = extractQuotes(text, ['Ellen Stofan']);

    // Assess
    expect(quotes).toEqual([
      { text: 'We know where to look and how to look', speaker: 'Ellen Stofan' },
      { text: 'We are not talking about little green men', speaker: 'Ellen Stofan' },
    ]);
  });
});

describe('entity variants', () => {
  it('merges a surname into the full name that contains it and sums the mentions', () => {
    // Act
    const merged = mergeVariants(['Robert Zankishiev', 'Zankishiev', 'Zankishiev', 'Nalchik']);

    // Assess
    expect(merged).toEqual([
      { name: 'Robert Zankishiev', mentions: 3 },
      { name: 'Nalchik', mentions: 1 },
    ]);
  });
});

describe('language', () => {
  it('labels English and German text and says "und" when it cannot tell', () => {
    // Act
    const labels = [
      detectLanguage('The minister said that the plan was on track and that it would be ready in time.'),
      detectLanguage(
        'Der Minister sagte, dass der Plan auf Kurs ist und nicht verschoben wird, und das ist gut.',
      ),
      detectLanguage('12345 67890'),
    ];

    // Assess
    expect(labels).toEqual(['en', 'de', 'und']);
  });
});
