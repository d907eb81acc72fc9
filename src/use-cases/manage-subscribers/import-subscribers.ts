/**
 * Adding subscribers by hand or from a file (`npm run subscribers`), with the digest's own rules
 * (`parseSubscriberEntry`): a CSV file with a header row, or the old `{"subscribers": [...]}` document that
 * once lived in the bucket. Each rejected line is reported with where it is and why; the rest are written.
 *
 * Re-importing the same file changes nothing: a subscriber whose profile is already as the file says is not
 * written again. For someone already stored, a field the file leaves out (no such column, or an empty field)
 * keeps its stored value, as with `add`: a list of addresses alone re-imported does not reset anyone's
 * schedule. Someone who unsubscribed (by their link, or by `remove`) is not re-added by an import, whose
 * file may well predate that: only `add` re-subscribes.
 */
import { mapConcurrent } from '../../concurrency.js';
import { errorMessage } from '../../errors.js';
import {
  frequencyOf,
  parseSubscriberEntry,
  type Subscriber,
  type SubscriberDefaults,
} from '../../digest/subscribers.js';
import type { StoredSubscriber, SubscriberAdmin } from './ports.js';

/** Larger files are refused before they are read: about 150,000 lines of CSV. Split a larger list. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** Store requests in flight during an import (a read, and a write when something changed, per line). */
const IMPORT_CONCURRENCY = 8;

type Column = Exclude<keyof Subscriber, 'id'>;

/**
 * Every field of a subscriber but the id derived from the address (a field added to `Subscriber` fails the
 * build until it is a column). `frequency` (`daily` or `weekly`) and `weekday` (`mon`..`sun`, only and
 * always for weekly) are optional.
 */
export const CSV_COLUMNS = Object.keys({
  email: true,
  timeZone: true,
  sendAt: true,
  topics: true,
  keywords: true,
  frequency: true,
  weekday: true,
} satisfies Record<Column, true>) as Column[];

/** One entry of the file and where it is: `line 4` (CSV) or `subscribers[3]` (JSON). */
export interface ImportEntry {
  location: string;
  entry: unknown;
}

export interface Rejection {
  location: string;
  reason: string;
}

export interface ImportFile {
  entries: ImportEntry[];
  /** Lines that are not even an entry (a broken quote, the wrong number of fields). */
  rejected: Rejection[];
}

/** The file as a whole cannot be imported (no header, not JSON, too large): nothing was written. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}

export type ImportFormat = 'csv' | 'json';

export function importFormatOf(fileName: string): ImportFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  throw new ImportFileError(
    `${fileName}: import reads a .csv file (header ${CSV_COLUMNS.join(',')}) or a .json subscribers document`,
  );
}

export function parseImportFile(text: string, format: ImportFormat): ImportFile {
  if (text.length > MAX_IMPORT_BYTES) {
    throw new ImportFileError(
      `the file is larger than ${MAX_IMPORT_BYTES} bytes: split it into smaller files`,
    );
  }
  const withoutBom = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return format === 'csv' ? parseCsvFile(withoutBom) : parseJsonDocument(withoutBom);
}

function parseJsonDocument(text: string): ImportFile {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error: unknown) {
    throw new ImportFileError(`not valid JSON (${errorMessage(error)})`);
  }
  const subscribers =
    typeof document === 'object' && document !== null && 'subscribers' in document
      ? document.subscribers
      : undefined;
  if (!Array.isArray(subscribers)) {
    throw new ImportFileError('a JSON import must be the subscribers document {"subscribers": [ ... ]}');
  }
  return {
    entries: subscribers.map((entry: unknown, index) => ({ location: `subscribers[${index}]`, entry })),
    rejected: [],
  };
}

const COLUMN_BY_NAME = new Map<string, Column>(CSV_COLUMNS.map((column) => [column.toLowerCase(), column]));

function parseCsvFile(text: string): ImportFile {
  const records = csvRecords(text).filter((r) => r.problem !== undefined || r.fields.some((f) => f.trim()));
  const [header, ...rows] = records;
  if (header === undefined)
    throw new ImportFileError(
      `the file is empty: the first line must be the header ${CSV_COLUMNS.join(',')}`,
    );
  const columns = header.fields.map((name) => COLUMN_BY_NAME.get(name.trim().toLowerCase()));
  const unknown = header.fields.filter((_, i) => columns[i] === undefined);
  if (header.problem !== undefined || unknown.length > 0 || !columns.includes('email')) {
    throw new ImportFileError(
      `line ${header.line} must be the header, with an email column and any of ${CSV_COLUMNS.join(',')}` +
        (unknown.length > 0 ? ` (unknown: ${unknown.map((u) => JSON.stringify(u)).join(', ')})` : ''),
    );
  }
  if (new Set(columns).size !== columns.length) {
    throw new ImportFileError(`line ${header.line}: a column is named twice`);
  }
  const result: ImportFile = { entries: [], rejected: [] };
  for (const row of rows) {
    const location = `line ${row.line}`;
    if (row.problem !== undefined) {
      result.rejected.push({ location, reason: row.problem });
    } else if (row.fields.length !== columns.length) {
      result.rejected.push({
        location,
        reason: `has ${row.fields.length} fields, the header ${columns.length}: quote a field that contains a comma`,
      });
    } else {
      result.entries.push({ location, entry: csvEntry(columns as Column[], row.fields) });
    }
  }
  return result;
}

/** An entry as the JSON document would have it: empty fields left out (the defaults apply), lists split on ";". */
function csvEntry(columns: Column[], fields: string[]): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const value = (fields[i] ?? '').trim();
    if (value === '') return;
    entry[column] =
      column === 'topics' || column === 'keywords'
        ? value
            .split(';')
            .map((part) => part.trim())
            .filter(Boolean)
        : value;
  });
  return entry;
}

interface CsvRecord {
  /** The line the record starts on (a quoted field may span lines). */
  line: number;
  fields: string[];
  problem?: string;
}

/** RFC 4180 records: comma-separated, fields in double quotes may hold commas, quotes ("") and line breaks. */
function csvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let record: CsvRecord = { line, fields: [] };
  let field = '';
  let quoting = false;
  let wasQuoted = false;
  const endField = () => {
    record.fields.push(field);
    field = '';
    wasQuoted = false;
  };
  const problem = (reason: string) => {
    record.problem ??= reason;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoting) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoting = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      records.push(record);
      line++;
      record = { line, fields: [] };
    } else if (c === '"') {
      if (field === '' && !wasQuoted) {
        quoting = true;
        wasQuoted = true;
      } else {
        problem('a quote inside a field: put the whole field in double quotes and double each quote in it');
      }
    } else if (wasQuoted) {
      if (c.trim() !== '') problem('text after a closing quote: put the whole field in double quotes');
    } else {
      field += c;
    }
  }
  if (quoting) problem('a quoted field is not closed before the end of the file');
  if (quoting || field !== '' || record.fields.length > 0) {
    endField();
    records.push(record);
  }
  return records;
}

export interface ImportReport {
  added: number;
  updated: number;
  unchanged: number;
  /** Unsubscribed subscribers the file lists: left unsubscribed. */
  skipped: Rejection[];
  rejected: Rejection[];
}

/** Validates every entry, then writes the new and changed ones; rejected entries are reported, not written. */
export async function importSubscribers(
  admin: SubscriberAdmin,
  file: ImportFile,
  defaults: SubscriberDefaults,
  at: Date,
): Promise<ImportReport> {
  const report: ImportReport = {
    added: 0,
    updated: 0,
    unchanged: 0,
    skipped: [],
    rejected: [...file.rejected],
  };
  const firstSeen = new Map<string, string>();
  const listed: { location: string; entry: Record<string, unknown>; id: string }[] = [];
  for (const { location, entry } of file.entries) {
    // The address first: the rest is checked against what the subscriber has, once they are read.
    const address = parseSubscriberEntry(isObject(entry) ? { email: entry.email } : entry, defaults);
    if ('reason' in address || !isObject(entry)) {
      report.rejected.push({
        location,
        reason: 'reason' in address ? address.reason : 'entry: not an object',
      });
      continue;
    }
    const { id } = address.subscriber;
    const first = firstSeen.get(id);
    if (first !== undefined) {
      report.rejected.push({
        location,
        reason: `email: listed more than once (first at ${first}); the first entry is used`,
      });
      continue;
    }
    firstSeen.set(id, location);
    listed.push({ location, entry, id });
  }
  await mapConcurrent(listed, IMPORT_CONCURRENCY, async ({ location, entry, id }) => {
    const stored = await admin.get(id);
    if (stored?.unsubscribedAt !== undefined) {
      report.skipped.push({
        location,
        reason: `unsubscribed themselves on ${stored.unsubscribedAt}; not re-added, use add to re-subscribe`,
      });
      return;
    }
    const checked = profileFrom(entry, stored, defaults);
    if ('reason' in checked) {
      report.rejected.push({ location, reason: checked.reason });
    } else if (stored !== undefined && sameProfile(stored.subscriber, checked.subscriber)) {
      report.unchanged++;
    } else {
      await admin.put(checked.subscriber, at);
      if (stored === undefined) report.added++;
      else report.updated++;
    }
  });
  report.skipped.sort(byLocation);
  report.rejected.sort(byLocation);
  return report;
}

export type AddOutcome = 'added' | 'updated' | 'resubscribed' | 'unchanged';

/**
 * Adds one subscriber, or updates them, or re-subscribes them. For someone already stored, a field the entry
 * leaves out keeps its stored value; for someone new it takes the default.
 */
export async function addSubscriber(
  admin: SubscriberAdmin,
  entry: Record<string, unknown>,
  defaults: SubscriberDefaults,
  at: Date,
): Promise<{ outcome: AddOutcome; subscriber: Subscriber } | { reason: string }> {
  // The address first: it says who is stored, and the rest is checked against them.
  const address = parseSubscriberEntry({ email: entry.email }, defaults);
  if ('reason' in address) return address;
  const stored = await admin.get(address.subscriber.id);
  const checked = profileFrom(entry, stored, defaults);
  if ('reason' in checked) return checked;
  const { subscriber } = checked;
  if (
    stored?.unsubscribedAt === undefined &&
    stored !== undefined &&
    sameProfile(stored.subscriber, subscriber)
  ) {
    return { outcome: 'unchanged', subscriber };
  }
  await admin.put(subscriber, at);
  const outcome =
    stored === undefined ? 'added' : stored.unsubscribedAt !== undefined ? 'resubscribed' : 'updated';
  return { outcome, subscriber };
}

const isObject = (entry: unknown): entry is Record<string, unknown> =>
  typeof entry === 'object' && entry !== null && !Array.isArray(entry);

/**
 * The profile an entry asks for, checked with the digest's rules: for someone new, what it leaves out takes
 * the default; for someone stored, it keeps their value (a lone `weekday` is valid for a weekly subscriber).
 */
function profileFrom(
  entry: Record<string, unknown>,
  stored: StoredSubscriber | undefined,
  defaults: SubscriberDefaults,
): { subscriber: Subscriber } | { reason: string } {
  if (stored === undefined) return parseSubscriberEntry(entry, defaults);
  const current = stored.subscriber;
  // The stored weekday is kept only while the digest stays weekly: `--frequency daily` drops it.
  const frequency = entry.frequency ?? current.frequency;
  const weeklyAfter = typeof frequency === 'string' && frequency.trim().toLowerCase() === 'weekly';
  const merged = {
    timeZone: current.timeZone,
    sendAt: current.sendAt,
    topics: current.topics,
    keywords: current.keywords,
    ...(current.frequency !== undefined && { frequency: current.frequency }),
    ...(weeklyAfter && current.weekday !== undefined && { weekday: current.weekday }),
    ...entry,
  };
  return parseSubscriberEntry(merged, defaults);
}

export function sameProfile(a: Subscriber, b: Subscriber): boolean {
  return (
    a.email === b.email &&
    a.timeZone === b.timeZone &&
    a.sendAt === b.sendAt &&
    frequencyOf(a) === frequencyOf(b) &&
    (frequencyOf(a) === 'daily' || a.weekday === b.weekday) &&
    sameList(a.topics, b.topics) &&
    sameList(a.keywords, b.keywords)
  );
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((value, i) => value === b[i]);

/** Report order is file order: `line 10` after `line 9`, `subscribers[10]` after `subscribers[9]`. */
function byLocation(a: Rejection, b: Rejection): number {
  const number = (location: string) => Number(/\d+/.exec(location)?.[0] ?? 0);
  return number(a.location) - number(b.location);
}
