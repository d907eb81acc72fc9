import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

interface Request {
  service: string;
  method: string;
  params: { Bucket: string; Key: string; Body: Buffer; ContentType: string };
}
interface FakeServerless {
  serviceDir: string;
  service: {
    custom: { esbuild: { outputWorkFolder: string } };
    functions: Record<string, { handler: string }>;
    package: { artifactDirectoryName?: string };
  };
  classes: { Error: typeof Error };
  getProvider: () => {
    getServerlessDeploymentBucketName: () => Promise<string>;
    request: (service: string, method: string, params: Request['params']) => Promise<unknown>;
  };
}
type Hooks = Record<string, () => unknown>;
type Plugin = new (serverless: FakeServerless, options: { package?: string }) => { hooks: Hooks };

const SourceMaps = createRequire(import.meta.url)('../../../serverless-plugins/source-maps.cjs') as Plugin;

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeServerless(requests: Request[]): FakeServerless {
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
    },
    classes: { Error },
    getProvider: () => ({
      getServerlessDeploymentBucketName: () => Promise.resolve('deployment-bucket'),
      request: (service, method, params) => {
        requests.push({ service, method, params });
        return Promise.resolve({});
      },
    }),
  };
}

describe('source-maps plugin', () => {
  it('writes each function’s map beside the zips, named after the function, once the package folder is final', async () => {
    // Prepare
    const sls = fakeServerless([]);
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

  it('uploads the maps beside the deployment’s zips in the deployment bucket', async () => {
    // Prepare
    const requests: Request[] = [];
    const sls = fakeServerless(requests);
    const plugin = new SourceMaps(sls, {});
    await plugin.hooks['before:package:createDeploymentArtifacts']?.();
    await plugin.hooks['after:package:finalize']?.();
    sls.service.package.artifactDirectoryName =
      'serverless/article-digest/dev/1764500000000-2026-11-30T12:00:00.000Z';

    // Act
    await plugin.hooks['after:aws:deploy:deploy:uploadArtifacts']?.();

    // Assess
    expect(requests.map((r) => [r.service, r.method, r.params.Bucket, r.params.Key]).sort()).toEqual([
      [
        'S3',
        'putObject',
        'deployment-bucket',
        `${sls.service.package.artifactDirectoryName}/sourcemaps/articleLink.js.map`,
      ],
      [
        'S3',
        'putObject',
        'deployment-bucket',
        `${sls.service.package.artifactDirectoryName}/sourcemaps/summarize.js.map`,
      ],
    ]);
  });

  it('stops packaging when a map is missing (sourcemap not "external")', () => {
    // Prepare
    const sls = fakeServerless([]);
    rmSync(join(dir, '.esbuild-x', '.build', 'src', 'handlers', 'summarize.js.map'));
    const plugin = new SourceMaps(sls, {});

    // Act
    const collect = () => plugin.hooks['before:package:createDeploymentArtifacts']?.();

    // Assess
    expect(collect).toThrow(/No source map for summarize .* must be "external"/);
  });
});
