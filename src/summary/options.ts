/** How long a summary may be and how much text is read: the one place the Lambda's defaults are set. */
export interface SummarizeOptions {
  /** Sentences in `summary`, 1-3. */
  maxSentences: number;
  /** Words in `summary`, all sentences together. */
  maxWords: number;
  /** Only this many characters of the text are analysed; `truncated` says when the rest was left out. */
  maxAnalysedChars: number;
}

/** The defaults: src/config.ts takes its environment defaults from here. */
export const DEFAULT_SUMMARIZE_OPTIONS: SummarizeOptions = {
  maxSentences: 3,
  // Room for three news sentences of about 30 words: with less, the third sentence rarely fits, and on
  // the CNN/DailyMail dev set it adds more of the reference than it costs (docs/summary-quality.md).
  maxWords: 90,
  maxAnalysedChars: 200_000,
};
