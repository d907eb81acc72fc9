/**
 * Runs `serverless package` the way a fresh clone on a machine without AWS credentials would, and reads what
 * it writes: the CloudFormation template and one zip per function. Used by the template tests.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';

const run = promisify(execFile);

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };
export interface CfnResource {
  Type: string;
  Properties?: Record<string, CfnValue>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: CfnValue; Description?: string }>;
  Conditions?: Record<string, CfnValue>;
}

export interface PackagedService {
  /** A temporary folder: the caller removes it when done. */
  outDir: string;
  template: CfnTemplate;
  /** Zip name -> size in bytes and the entries it holds (name -> uncompressed size). */
  zips: Record<string, { bytes: number; entries: Record<string, number> }>;
  seconds: number;
}

/** What `serverless package` reads from the repository; node_modules is linked, not copied. */
const SERVICE_FILES = ['serverless.yml', 'serverless-plugins', 'src', 'package.json', 'tsconfig.json'];

/**
 * Packages into a fresh temporary directory with an empty HOME, every AWS_* variable removed and telemetry
 * off, so neither stray credentials nor a developer's ~/.aws can make it pass. It packages a copy of the
 * service: osls builds in `<service>/.serverless` whatever `--package` says (its package:cleanup step removes
 * that folder first, and the artifacts are moved from it to `--package` at the end), so packaging in the
 * repository would delete the `.serverless/` of `npm run package` that `npm run stack-trace` reads, and two
 * template test files packaging at once would share one build folder.
 */
export async function packageService(args: string[] = []): Promise<PackagedService> {
  const home = await mkdtemp(join(tmpdir(), 'sls-home-'));
  const outDir = await mkdtemp(join(tmpdir(), 'sls-package-'));
  const serviceDir = await mkdtemp(join(tmpdir(), 'sls-service-'));
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
  );
  Object.assign(env, {
    HOME: home,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DEPRECATION_DISABLE: '*',
  });
  const started = performance.now();
  try {
    // The copy has its own esbuild folder too, so a concurrent `npm run package` cannot collide with it.
    for (const name of SERVICE_FILES)
      await cp(join(REPO_ROOT, name), join(serviceDir, name), { recursive: true });
    await symlink(join(REPO_ROOT, 'node_modules'), join(serviceDir, 'node_modules'), 'dir');
    await run(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
        'package',
        '--package',
        outDir,
        ...args,
      ],
      { cwd: serviceDir, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error: unknown) {
    await rm(outDir, { recursive: true, force: true });
    throw new Error(`serverless package failed:\n${commandOutput(error)}`, { cause: error });
  } finally {
    await rm(home, { recursive: true, force: true });
    await rm(serviceDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const template = JSON.parse(
    await readFile(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as CfnTemplate;
  const zips: PackagedService['zips'] = {};
  for (const name of (await readdir(outDir)).filter((n) => n.endsWith('.zip'))) {
    const path = join(outDir, name);
    zips[name] = { bytes: (await stat(path)).size, entries: zipEntries(await readFile(path)) };
  }
  return { outDir, template, zips, seconds };
}

function commandOutput(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { stdout, stderr } = error as { stdout?: unknown; stderr?: unknown };
  return `${String(stdout ?? '')}${String(stderr ?? '')}`;
}

interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  method: number;
  localHeader: number;
}

/** The central directory of a zip: names, sizes and where each entry's data starts (no dependency). */
function centralDirectory(zip: Buffer): ZipEntry[] {
  const endOfCentralDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfCentralDirectory < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(endOfCentralDirectory + 10);
  let offset = zip.readUInt32LE(endOfCentralDirectory + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
    const nameLength = zip.readUInt16LE(offset + 28);
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      size: zip.readUInt32LE(offset + 24),
      localHeader: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}

/** Entry names and uncompressed sizes. */
export function zipEntries(zip: Buffer): Record<string, number> {
  return Object.fromEntries(centralDirectory(zip).map((e) => [e.name, e.size]));
}

/** One entry's content (stored or deflated). */
export function zipEntryText(zip: Buffer, name: string): string {
  const entry = centralDirectory(zip).find((e) => e.name === name);
  if (!entry) throw new Error(`the zip has no entry ${name}`);
  const start =
    entry.localHeader +
    30 +
    zip.readUInt16LE(entry.localHeader + 26) +
    zip.readUInt16LE(entry.localHeader + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  return (entry.method === 8 ? inflateRawSync(data) : data).toString('utf8');
}

/**
 * A CloudFormation value as readable text, so assertions compare strings: `Ref(X)`, `X.Arn`, the text of an
 * `Fn::Sub` with its own variables substituted, and `Fn::Select`/`Fn::Split` over literals evaluated.
 */
export function render(value: CfnValue | undefined): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  const [fn, arg] = Object.entries(value)[0] ?? [];
  if (fn === 'Ref') return `Ref(${render(arg)})`;
  if (fn === 'Fn::GetAtt' && Array.isArray(arg)) return arg.map(render).join('.');
  if (fn === 'Fn::Sub') {
    if (typeof arg === 'string') return arg;
    if (Array.isArray(arg) && typeof arg[0] === 'string' && isRecord(arg[1])) {
      const vars = arg[1];
      return arg[0].replace(/\$\{([^}!]+)\}/g, (whole, name: string) =>
        name in vars ? render(vars[name]) : whole,
      );
    }
  }
  if (fn === 'Fn::Split' && Array.isArray(arg)) return render(arg[1]).split(render(arg[0])).join('\u0000');
  if (fn === 'Fn::Select' && Array.isArray(arg)) {
    return render(arg[1]).split('\u0000')[Number(render(arg[0]))] ?? '';
  }
  return JSON.stringify(value);
}

function isRecord(value: CfnValue | undefined): value is Record<string, CfnValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: CfnValue;
}

/** The inline policy statements of an IAM role, with actions and resources as sorted readable lists. */
export function roleStatements(template: CfnTemplate, roleId: string): Statement[] {
  const role = resource(template, roleId, 'AWS::IAM::Role');
  const policies = asArray(role.Properties?.Policies);
  return policies.flatMap((policy) => {
    const document = isRecord(policy) ? policy.PolicyDocument : undefined;
    const statements = isRecord(document) ? asArray(document.Statement) : [];
    return statements.filter(isRecord).map((s) => ({
      Sid: render(s.Sid),
      Effect: render(s.Effect),
      Action: asArray(s.Action).map(render).sort(),
      Resource: asArray(s.Resource).map(render).sort(),
      ...(s.Condition !== undefined && { Condition: s.Condition }),
    }));
  });
}

export function resource(template: CfnTemplate, id: string, type: string): CfnResource {
  const found = template.Resources[id];
  if (!found) throw new Error(`the template has no resource ${id}`);
  if (found.Type !== type) throw new Error(`${id} is a ${found.Type}, expected ${type}`);
  return found;
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export function asArray(value: CfnValue | undefined): CfnValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * One part of the service (`path`, e.g. `functions`; '' for all of it) as `serverless print` resolves it with
 * the given options: offline, like `packageService`, but without building (a few seconds).
 */
export async function printService(path: string, args: string[]): Promise<unknown> {
  const home = await mkdtemp(join(tmpdir(), 'sls-home-'));
  try {
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
    );
    Object.assign(env, { HOME: home, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(REPO_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
        'print',
        '--format',
        'json',
        ...(path === '' ? [] : ['--path', path]),
        ...args,
      ],
      { cwd: REPO_ROOT, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`serverless print failed: ${error.stdout ?? ''}${error.stderr ?? ''}`);
    });
    // Plugins may log a line before the JSON.
    return JSON.parse(stdout.slice(stdout.search(/[[{]/))) as unknown;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
