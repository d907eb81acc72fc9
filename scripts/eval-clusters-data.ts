/**
 * Builds the labelled same-event set that scripts/eval-clusters.ts reads (EVAL_CLUSTER_FILE), from the
 * ECB+ corpus (Cybulska and Vossen, LREC 2014): 982 English news articles found through Google Search, in
 * 43 topics, each topic holding two different seminal events of the same kind (the ECB's "Tara Reid checks
 * into rehab" and ECB+'s "Lindsay Lohan checks into rehab"; two earthquakes; two acquisitions by one
 * company). The event of an article is its topic and half: `1_3ecb.xml` reports event `1-ecb`,
 * `1_3ecbplus.xml` event `1-ecbplus`. So 86 events, most reported by several outlets, each with a
 * deliberately confusable sibling: the case where two different events must not merge.
 *
 * Source: the copy of the ECB+ 1.0 release (12/10/2014) vendored in github.com/tommasoc80/EventStoryLine,
 * folder `ECB+_LREC2014/ECB+/<topic>/<topic>_<n>ecb[plus].xml`, read from a bare git mirror at a pinned
 * commit (or from an extracted folder). Licence: the annotation is CC BY 3.0 (LICENSEDATA.TXT and
 * COPYING-CC.TXT of the release); the release says "the textual news documents annotated in this corpus
 * are not copyrighted". Still, the text is the publishers' and is written outside the repository.
 *
 * Each XML file is tokenized text (`<token t_id sentence number>`); the tokens are joined back into
 * sentences (spacing restored around punctuation, quotes, hyphens and clock times), one sentence a
 * paragraph. In the ECB+ half, sentence 0 is the page's URL (kept as `url`), and the first of sentences 1–2
 * that is not a date line is the headline (kept as `title`); the ECB half has neither. Rows are written in
 * an order fixed by a hash of their id, so events interleave as uploads would, and the output is the same
 * bytes on every run.
 *
 * `--split` also writes `<out>-tune.jsonl` and `<out>-report.jsonl`: the topics (both events of a topic
 * together, so every event keeps its confusable sibling) divided in two by a hash of the topic number.
 * Thresholds are tuned on the first and reported on both.
 *
 * Run: `git clone --bare https://github.com/tommasoc80/EventStoryLine ../EventStoryLine.git`, then
 * `npx tsx scripts/eval-clusters-data.ts --git ../EventStoryLine.git --split` (or `--dir <folder holding the
 * topic folders>`); it writes ../eval-data/clusters.jsonl unless `--out FILE` says otherwise.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterRow } from './eval-clusters.js';

/** The commit of tommasoc80/EventStoryLine read by default (the ECB+ files last changed in 397007b1). */
export const ECBPLUS_COMMIT = '46edefee5e82e0917b823abe0a18bf8c7770f15c';
export const ECBPLUS_FOLDER = 'ECB+_LREC2014/ECB+';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface Token {
  sentence: number;
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10),
      );
    return ENTITIES[name.toLowerCase()] ?? whole;
  });

/** The tokens of one ECB+ XML file, in order. */
export function ecbTokens(xml: string): Token[] {
  const tokens: Token[] = [];
  for (const match of xml.matchAll(/<token\b[^>]*\bsentence="(\d+)"[^>]*>([^<]*)<\/token>/g))
    tokens.push({ sentence: Number(match[1]), text: decode(match[2] ?? '') });
  return tokens;
}

const CLOSING = /^(?:[.,;:!?%)\]}]|''|'s|'re|'ll|'ve|'d|'m|n't|’s|’re|’ll|’ve|’d|’m|n’t|\.\.\.)$/i;
const OPENING = /^(?:[([{$£€]|``)$/;

/** One sentence's tokens joined as a writer would have typed them. */
export function detokenize(tokens: string[]): string {
  let out = '';
  let openQuote = false;
  tokens.forEach((token, i) => {
    const previous = tokens[i - 1];
    const next = tokens[i + 1];
    let text = token;
    if (token === '``') text = '"';
    else if (token === "''") text = '"';
    let glue = i > 0;
    if (CLOSING.test(token)) glue = false;
    if (previous !== undefined && OPENING.test(previous)) glue = false;
    // A straight quote alternates: opening quotes hold on to what follows, closing ones to what precedes.
    if (token === '"') {
      if (openQuote) glue = false;
      openQuote = !openQuote;
    } else if (previous === '"' && openQuote) glue = false;
    // "90 - day", "court - mandated": a bare hyphen between words is a compound's.
    if ((token === '-' || previous === '-') && previous !== undefined && next !== undefined) {
      const around = token === '-' ? [previous, next] : [tokens[i - 2] ?? '', token];
      if (around.every((t) => /[\p{L}\p{N}]$|^[\p{L}\p{N}]/u.test(t))) glue = false;
    }
    if (token === '-' && previous === '-') glue = false;
    // "4 : 59", "05 . 51", "a . m .", "U . S .", "Jr ." after a single letter.
    if ((token === ':' || token === '.') && previous && next && /\d$/.test(previous) && /^\d/.test(next))
      glue = false;
    if ((previous === ':' || previous === '.') && /^\d/.test(token) && /\d$/.test(tokens[i - 2] ?? ''))
      glue = false;
    if (previous === '.' && /^\p{L}$/u.test(token) && /^\p{L}$/u.test(tokens[i - 2] ?? '')) glue = false;
    // "Lohan ’ s": the apostrophe and its suffix hold on to the word.
    if ((token === '’' || token === "'") && next && /^(?:s|re|ll|ve|d|m|t)$/i.test(next)) glue = false;
    if ((previous === '’' || previous === "'") && /^(?:s|re|ll|ve|d|m|t)$/i.test(token)) glue = false;
    // "users ' computers": a plural possessive; "d ’ Antibes": an elision.
    if ((token === "'" || token === '’') && previous && /s$/i.test(previous)) glue = false;
    if ((previous === '’' || previous === "'") && /^(?:d|l)$/i.test(tokens[i - 2] ?? '')) glue = false;
    if ((token === '’' || token === "'") && /^(?:d|l)$/i.test(previous ?? '')) glue = false;
    out += (glue ? ' ' : '') + text;
  });
  return out.replace(/\s+/g, ' ').trim();
}

/** A URL tokenized as sentence zero, put back together. */
const joinedUrl = (tokens: string[]) => tokens.join('');

/** "First Published : June 13 , 2013", "02 . 29 . 12 4 : 15 PM", "8 / 2 / 13 at 1 : 30 PM". */
const DATE_LINE =
  /^(?:(?:first )?(?:posted|published|updated|last updated)\b|[\d\s./:,-]+(?:at\b|[ap]\.?m\b|gmt|est|edt|pst|pdt|ist)?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}, \d{4})/i;

export interface EcbDocument {
  /** File name without `.xml`, e.g. `1_3ecbplus`. */
  name: string;
  xml: string;
}

/** One labelled row from one ECB+ file; undefined for a file with no readable sentence. */
export function ecbRow({ name, xml }: EcbDocument): ClusterRow | undefined {
  const parsed = /^(\d+)_(\d+)(ecb|ecbplus)$/.exec(name);
  if (!parsed) throw new Error(`Not an ECB+ document name: ${name}`);
  const [, topic, , half] = parsed;
  const bySentence = new Map<number, string[]>();
  for (const { sentence, text } of ecbTokens(xml)) {
    const list = bySentence.get(sentence);
    if (list) list.push(text);
    else bySentence.set(sentence, [text]);
  }
  const numbers = [...bySentence.keys()].sort((a, b) => a - b);
  let url: string | undefined;
  let title: string | undefined;
  let body = numbers;
  if (half === 'ecbplus') {
    const first = bySentence.get(0);
    if (first && /^https?$/i.test(first[0] ?? '')) {
      url = joinedUrl(first);
      body = body.filter((n) => n !== 0);
    }
    const headline = body.slice(0, 2).find((n) => {
      const text = detokenize(bySentence.get(n) ?? []);
      return !DATE_LINE.test(text.trim()) && (text.match(/\p{L}+/gu)?.length ?? 0) >= 3;
    });
    if (headline !== undefined) {
      title = detokenize(bySentence.get(headline) ?? []);
      body = body.filter((n) => n !== headline);
    }
  }
  const article = body
    .map((n) => detokenize(bySentence.get(n) ?? []))
    .filter(Boolean)
    .join('\n\n');
  if (!/\p{L}{2,}/u.test(article)) return undefined;
  return {
    id: `ecbplus-${name}`,
    event: `${topic}-${half}`,
    article,
    ...(title !== undefined && { title }),
    ...(url !== undefined && { url }),
  };
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** Rows in a fixed order that mixes the events, as a day's uploads would be. */
export function ecbRows(documents: EcbDocument[]): ClusterRow[] {
  return documents
    .map(ecbRow)
    .filter((row): row is ClusterRow => row !== undefined)
    .sort((a, b) => (hashOf(a.id) < hashOf(b.id) ? -1 : 1));
}

/** Which half a topic's events go to: by a hash of the topic, so both events of a topic stay together. */
export function half(row: ClusterRow): 'tune' | 'report' {
  const topic = row.event.split('-')[0] ?? row.event;
  return parseInt(hashOf(`ecbplus-topic-${topic}`).slice(0, 8), 16) % 2 === 0 ? 'tune' : 'report';
}

function fromGit(gitDir: string, commit: string): EcbDocument[] {
  const git = (...args: string[]) =>
    execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const paths = git('ls-tree', '-r', '--name-only', commit, `${ECBPLUS_FOLDER}/`)
    .split('\n')
    .filter((path) => /\/\d+_\d+ecb(?:plus)?\.xml$/.test(path));
  return paths.map((path) => ({
    name: path.replace(/^.*\//, '').replace(/\.xml$/, ''),
    xml: git('show', `${commit}:${path}`),
  }));
}

function fromFolder(folder: string): EcbDocument[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
    .flatMap((topic) =>
      readdirSync(join(folder, topic.name))
        .filter((file) => /^\d+_\d+ecb(?:plus)?\.xml$/.test(file))
        .map((file) => ({
          name: file.replace(/\.xml$/, ''),
          xml: readFileSync(join(folder, topic.name, file), 'utf8'),
        })),
    );
}

function writeRows(file: string, rows: ClusterRow[]): string {
  const text = rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
  writeFileSync(file, text);
  const events = new Set(rows.map((r) => r.event)).size;
  return `${file}: ${rows.length} articles, ${events} events, ${Buffer.byteLength(text)} bytes, sha256 ${hashOf(text)}`;
}

function main(argv: string[]): void {
  const option = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const gitDir = option('--git');
  const folder = option('--dir');
  const commit = option('--commit') ?? ECBPLUS_COMMIT;
  // Beside the clone by default: news text stays out of the repository.
  const out = resolve(option('--out') ?? join(REPO_ROOT, '..', 'eval-data', 'clusters.jsonl'));
  if (!gitDir === !folder) {
    console.error(
      'Usage: npx tsx scripts/eval-clusters-data.ts (--git <bare mirror of tommasoc80/EventStoryLine> [--commit SHA] | --dir <ECB+ folder>) [--out FILE] [--split]',
    );
    process.exit(2);
  }
  if (out === REPO_ROOT || out.startsWith(`${REPO_ROOT}/`)) {
    console.error(`Refusing to write news text inside the repository (${out}); write it elsewhere.`);
    process.exit(2);
  }
  const documents = gitDir ? fromGit(resolve(gitDir), commit) : fromFolder(resolve(folder ?? '.'));
  const rows = ecbRows(documents);
  mkdirSync(dirname(out), { recursive: true });
  console.log(writeRows(out, rows));
  if (argv.includes('--split')) {
    const stem = out.replace(/\.jsonl$/, '');
    console.log(
      writeRows(
        `${stem}-tune.jsonl`,
        rows.filter((r) => half(r) === 'tune'),
      ),
    );
    console.log(
      writeRows(
        `${stem}-report.jsonl`,
        rows.filter((r) => half(r) === 'report'),
      ),
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main(process.argv.slice(2));
