'use strict';
/**
 * The stage, checked before anything else is resolved: serverless.yml sets
 * `provider.stage: ${file(./serverless-plugins/stage-name.cjs):stage}`, so `--stage` (default `dev`) is
 * refused at once, with one message, when S3 could not put it in the bucket name
 * `article-digest-<stage>-<account>-<region>`: lowercase letters, digits and hyphens only, and 63 characters
 * in all, which leaves 20 for the stage with a 12-digit account and the longest region names (14).
 *
 * Not a plugin hook: plugins start only after every variable is resolved, and osls's own check of
 * `${sls:stage}` (letters of either case, digits, hyphens) then fails first with a line for each of the
 * dozens of places the stage appears, and lets uppercase through to fail at deploy time.
 */
const MAX_STAGE_LENGTH = 20;
const STAGE_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Why `stage` cannot be used, or undefined when it can. */
function stageProblem(stage) {
  if (typeof stage === 'string' && stage.length <= MAX_STAGE_LENGTH && STAGE_PATTERN.test(stage)) {
    return undefined;
  }
  const suggestion = String(stage)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_STAGE_LENGTH)
    .replace(/-+$/, '');
  return (
    `Stage "${stage}" cannot be used: a stage name must be 1-${MAX_STAGE_LENGTH} lowercase letters, digits ` +
    'and hyphens, starting and ending with a letter or digit, because it is part of the bucket name ' +
    `article-digest-<stage>-<account>-<region>, which S3 allows only in lowercase and up to 63 characters.` +
    (suggestion ? ` Try --stage ${suggestion}` : '')
  );
}

/** The variable source: the stage from the command line (default `dev`), or an error that says why not. */
function stage({ options }) {
  const value = options.stage ?? 'dev';
  const problem = stageProblem(value);
  if (problem === undefined) return value;
  // osls prints a thrown error's stack; this one is only its message.
  const error = new Error(problem);
  error.stack = problem;
  throw error;
}

module.exports = { stage, stageProblem, MAX_STAGE_LENGTH };
