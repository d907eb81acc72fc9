import { describe, expect, it } from 'vitest';
import { chooseTitle, mainClause } from '../../../src/summary/title.js';

describe('derived titles', () => {
  it('drop a scene-setting lead clause and what follows a dash, leaving a headline', () => {
    const lede =
      'As Russia continues to pummel ISIS targets in Syria, Russian special forces on Sunday wiped out a cell of militants in one of its own republics — a cell that had sworn allegiance to the group.';

    expect(mainClause(lede)).toBe(
      'Russian special forces on Sunday wiped out a cell of militants in one of its own republics',
    );
  });

  it('keep a sentence whole when cutting would leave too little', () => {
    expect(mainClause('After the vote, prices fell.')).toBe('After the vote, prices fell');
    expect(mainClause('Rates rise: what it means for you and your family budget.')).toBe(
      'Rates rise: what it means for you and your family budget',
    );
  });

  it("prefer the document's own title, then a headline-like first line", () => {
    expect(chooseTitle('Own title', 'Body.', 'Body.')).toEqual({ text: 'Own title', origin: 'document' });
    expect(
      chooseTitle(undefined, 'Harbour bridge reopens\nThe bridge reopened on Monday.', undefined),
    ).toEqual({
      text: 'Harbour bridge reopens',
      origin: 'first-line',
    });
  });

  it('mark a long derived title as shortened', () => {
    const long = `${'word '.repeat(30).trim()}.`;
    const title = chooseTitle(undefined, long, long);
    expect(title.origin).toBe('first-sentence');
    expect(title.text.endsWith('…')).toBe(true);
    expect(title.text.split(' ')).toHaveLength(18);
  });
});
