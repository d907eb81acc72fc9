/**
 * Stands in for linkedom's CSS parser (`cssomnom/parse`) in the Lambda bundles (custom.esbuild.alias in
 * serverless.yml). linkedom calls it only for `HTMLStyleElement.sheet`, which neither Readability nor our
 * HTML reader reads, and it was 195 KiB of the summarize bundle (14% of it). Tests and local tools run the
 * real parser; test/unit/article/bundled-html.test.ts checks that the bundled reader gives the same text.
 */
export function parse(): never {
  throw new Error(
    'CSS parsing is not bundled: HTMLStyleElement.sheet is unavailable (src/article/no-css-parser.ts)',
  );
}
