import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateClusters, pairScores } from '../../../scripts/eval-clusters.js';

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
        /\| same-event rule \(0\.3; 0\.5 on one name\) \| 1 \| 1 \| 100\.00 \| 100\.00 \|/,
      );
    }
  });
});
