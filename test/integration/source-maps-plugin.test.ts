import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../src/local/emulators.js';
import { emulatorS3Client, emulatorS3Config } from '../support/s3-fixtures.js';

/** What the plugin may use of osls's AWS provider: no `request()`, which osls 4 removed (it throws). */
interface FakeServerless {
  serviceDir: string;
  service: {
    custom: { esbuild: { outputWorkFolder: string } };
    functions: Record<string, { handler: string }>;
    package: { artifactDirectoryName?: string };
    provider: { shouldNotDeploy?: boolean };
  };
  classes: { Error: typeof Error };
  getProvider: () => {
    getServerlessDeploymentBucketName: () => Promise<string>;
    getAwsSdkV3Config: () => Promise<object>;
  };
}
type Hooks = Record<string, () => unknown>;
type Plugin = new (serverless: FakeServerless, options: { package?: string }) => { hooks: Hooks };

const SourceMaps = createRequire(import.meta.url)('../../serverless-plugins/source-maps.cjs') as Plugin;

const BUCKET = 'deployment-bucket';
let dir: string;
let s3rver: S3Emulator;
beforeAll(async () => {
  s3rver = await startS3Emulator({ buckets: [BUCKET] });
});
afterAll(() => s3rver.close());
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeServerless(): FakeServerless {
  dir = mkdtempSync(join(tmpdir(), 'source-maps-'));
  const build = join(dir, '.esbuild-x', '.build', 'src', 'handlers');
  mkdirSync(build, { recursive: true });
  writeFileSync(join(build, 'summarize.js.map'), '{"version":3,"sources":["summarize"]}');
  writeFileSync(join(build, 'article-link.js.map'), '{"version":3,"sources":["article-link"]}');
  return {
    serviceDir: dir,
    service: {
      custom: { esbuild: { outputWorkFolder: '.esbuild-x' } },
      functions: {
        summarize: { handler: 'src/handlers/summarize.main' },
        articleLink: { handler: 'src/handlers/article-link.main' },
      },
      package: {},
      provider: {},
    },
    classes: { Error },
    getProvider: () => ({
      getServerlessDeploymentBucketName: () => Promise.resolve(BUCKET),
      getAwsSdkV3Config: () => Promise.resolve(emulatorS3Config(s3rver.endpoint)),
    }),
  };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const s3 = emulatorS3Client(s3rver.endpoint);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  s3.destroy();
  return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
}

describe('source-maps plugin', () => {
  it('writes each function’s map beside the zips, named after the function, once the package folder is final', async () => {
    // Prepare
    const sls = fakeServerless();
    const plugin = new SourceMaps(sls, { package: 'out' });

    // Act
    await plugin.hooks['before:package:createDeploymentArtifacts']?.();
    rmSync(join(dir, '.esbuild-x'), { recursive: true });
    await plugin.hooks['after:package:finalize']?.();

    // Assess
    expect(readFileSync(join(dir, 'out', 'sourcemaps', 'summarize.js.map'), 'utf8')).toContain('"summarize"');
    expect(readFileSync(join(dir, 'out', 'sourcemaps', 'articleLink.js.map'), 'utf8')).toContain(
      '"article-link"',
    );
  });

  it('uploads the maps beside the deployment’s zips in the deployment bucket, through an SDK v3 client', async () => {
    // Prepare
    const sls = fakeServerless();
    const plugin = new SourceMaps(sls, {});
    await plugin.hooks['before:package:createDeploymentArtifacts']?.();
    await plugin.hooks['after:package:finalize']?.();
    const directory = 'serverless/article-digest/dev/1764500000000-2026-11-30T12:00:00.000Z';
    sls.service.package.artifactDirectoryName = directory;

    // Act
    await plugin.hooks['after:aws:deploy:deploy:uploadArtifacts']?.();

    // Assess
    expect(await keysUnder(directory)).toEqual([
      `${directory}/sourcemaps/articleLink.js.map`,
      `${directory}/sourcemaps/summarize.js.map`,
    ]);
    const s3 = emulatorS3Client(s3rver.endpoint);
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: `${directory}/sourcemaps/summarize.js.map` }),
    );
    s3.destroy();
    expect(await stored.Body?.transformToString()).toContain('"summarize"');
  });

  it('uploads nothing when osls finds nothing changed and skips the deployment', async () => {
    // Prepare
    const sls = fakeServerless();
    const plugin = new SourceMaps(sls, {});
    await plugin.hooks['before:package:createDeploymentArtifacts']?.();
    await plugin.hooks['after:package:finalize']?.();
    const directory = 'serverless/article-digest/dev/1764500000001-2026-11-30T13:00:00.000Z';
    sls.service.package.artifactDirectoryName = directory;
    sls.service.provider.shouldNotDeploy = true;

    // Act
    await plugin.hooks['after:aws:deploy:deploy:uploadArtifacts']?.();

    // Assess
    expect(await keysUnder(directory)).toEqual([]);
  });

  it('stops packaging when a map is missing (sourcemap not "external")', () => {
    // Prepare
    const sls = fakeServerless();
    rmSync(join(dir, '.esbuild-x', '.build', 'src', 'handlers', 'summarize.js.map'));
    const plugin = new SourceMaps(sls, {});

    // Act
    const collect = () => plugin.hooks['before:package:createDeploymentArtifacts']?.();

    // Assess
    expect(collect).toThrow(/No source map for summarize .* must be "external"/);
  });
});
