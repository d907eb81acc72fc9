import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateClusters, pairScores } from '../../../scripts/eval-clusters.js';
import { detokenize, ecbRow, half } from '../../../scripts/eval-clusters-data.js';

describe('pairwise scores of same-event clustering', () => {
  it('counts pairs put together against pairs that belong together', () => {
    // Gold: {0,1,2} {3}; predicted: {0,1} {2,3}. Pairs: gold 3, predicted 2, correct 1.
    const scores = pairScores('x', ['a', 'a', 'b', 'b'], ['e', 'e', 'e', 'f']);

    expect(scores).toMatchObject({ predicted: 2, gold: 3, truePositives: 1, precision: 0.5 });
    expect(scores.recall).toBeCloseTo(1 / 3);
  });

  it('says in one line that it is blocked on data when no labelled file is given', () => {
    const result = evaluateClusters(undefined);

    expect(result.blocked).toBe(true);
    if (result.blocked) expect(result.line).toMatch(/^Same-event clustering: BLOCKED ON DATA \(.*\)\. /);
  });

  it('scores the rule and the near-duplicate baseline over a labelled file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'clusters-'));
    const file = join(dir, 'set.jsonl');
    const article = (text: string) => `${text} ${text}`;
    // Made-up rows: this checks the harness, not the rule.
    const rows = [
      {
        id: '1',
        event: 'a',
        title: 'Ferry strike ends in Kiel',
        article: article(
          'The ferry strike in Kiel ended on Monday after the union accepted a pay offer from Kiel Ferries.',
        ),
      },
      {
        id: '2',
        event: 'a',
        title: 'Ferry strike ends in Kiel',
        article: article(
          'The ferry strike in Kiel ended on Monday after the union accepted a pay offer from Kiel Ferries.',
        ),
      },
      {
        id: '3',
        event: 'b',
        title: 'Museum opens in Faro',
        article: article('A new maritime museum opened in Faro with a collection of old fishing boats.'),
      },
    ];
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));

    const result = evaluateClusters(file);

    expect(result.blocked).toBe(false);
    if (!result.blocked) {
      expect(result.table).toContain('| near-duplicate rule (baseline, today) | 1 | 1 | 100.00 | 100.00 |');
      expect(result.table).toMatch(
        /\| same-event rule \(0\.2; 0\.5 on one name; 0\.75 words\+names\) \| 1 \| 1 \| 100\.00 \| 100\.00 \|/,
      );
    }
  });
});

describe('the ECB+ converter (scripts/eval-clusters-data.ts)', () => {
  const xml = (name: string, sentences: string[][]) =>
    `<Document doc_name="${name}.xml">\n` +
    sentences
      .flatMap((tokens, sentence) =>
        tokens.map((t, number) => `<token t_id="1" sentence="${sentence}" number="${number}">${t}</token>`),
      )
      .join('\n') +
    '\n<Markables></Markables>\n</Document>';

  it('puts tokenized sentences back together', () => {
    expect(
      detokenize([
        'The',
        'board',
        "'s",
        'vote',
        ',',
        'at',
        '4',
        ':',
        '59',
        'p',
        '.',
        'm',
        '.',
        ',',
        'ended',
        '.',
      ]),
    ).toBe("The board's vote, at 4:59 p.m., ended.");
    expect(
      detokenize(['``', 'We', 'won', "''", ',', 'a', '90', '-', 'day', 'plan', '(', 'so', 'far', ')', '.']),
    ).toBe('"We won", a 90-day plan (so far).');
    expect(detokenize(['Lohan', '’', 's', 'fans', 'paid', '$', '2', '.', '6', 'million', '.'])).toBe(
      'Lohan’s fans paid $2.6 million.',
    );
  });

  it('labels each file with its topic and half, and keeps the URL and headline of an ECB+ file', () => {
    const plus = ecbRow({
      name: '3_2ecbplus',
      xml: xml('3_2ecbplus', [
        ['http', ':', '/', '/', 'news', '.', 'example', '/', 'a', '?', 'id=1&amp;b=2'],
        ['Ferry', 'strike', 'ends', 'in', 'Kiel'],
        ['Nov', '.', '30', ',', '2009'],
        ['The', 'strike', 'ended', 'on', 'Monday', '.'],
      ]),
    });
    const ecb = ecbRow({ name: '3_7ecb', xml: xml('3_7ecb', [['The', 'strike', 'is', 'over', '.']]) });

    expect(plus).toEqual({
      id: 'ecbplus-3_2ecbplus',
      event: '3-ecbplus',
      title: 'Ferry strike ends in Kiel',
      url: 'http://news.example/a?id=1&b=2',
      article: 'Nov. 30, 2009\n\nThe strike ended on Monday.',
    });
    expect(ecb).toEqual({ id: 'ecbplus-3_7ecb', event: '3-ecb', article: 'The strike is over.' });
    // Both events of a topic go to the same half, so each keeps its confusable sibling.
    if (plus && ecb) expect(half(plus)).toBe(half(ecb));
  });
});
