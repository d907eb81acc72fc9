/** The types the entity modules share, apart so that none of them imports another in a cycle. */
export type EntityType = 'people' | 'organizations' | 'places';

export interface Token {
  text: string;
  start: number;
  end: number;
  /** First word of a sentence or line: its capital says nothing. */
  sentenceStart: boolean;
  /** On a line written in capitals (a headline): its capitals say nothing either. */
  shouted: boolean;
}

/** One run of capitalized words with the type evidence around it. */
export interface Candidate {
  name: string;
  votes: Partial<Record<EntityType, number>>;
}
