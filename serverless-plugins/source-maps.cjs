'use strict';
/**
 * Source maps beside the zips, not in them. A map is larger than the minified bundle it maps, so inside a
 * zip it more than doubled it (summarize: 1652 KiB with the map). serverless-esbuild writes each bundle with an
 * external map (`sourcemap: external` in custom.esbuild; the bundle names no map, so Node never looks for
 * one) and `package.patterns` keeps `*.map` out of the zips. This plugin then:
 *
 * - on `package` (and so on `deploy`), copies each function's map to `<package folder>/sourcemaps/<function>.js.map`
 *   (`.serverless/` by default), next to `<function>.zip`;
 * - on `deploy`, uploads them to the deployment bucket beside the zips, under the same deployment's folder
 *   (`serverless/<service>/<stage>/<timestamp>-<date>/sourcemaps/`), so the map of whatever runs is kept as
 *   long as its code is.
 *
 * Stack traces in CloudWatch keep function and class names (esbuild `keepNames`); `npm run stack-trace`
 * maps their `summarize.js:LINE:COLUMN` positions back to `src/` (docs/sizing-and-cost.md, "Bundles and source maps").
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS plugin, loaded by osls with require() */
const fs = require('node:fs');
const path = require('node:path');
const { PutObjectCommand, S3Client } = require('@aws-sdk/client-s3');

class SourceMaps {
  constructor(serverless, options, { log } = {}) {
    this.serverless = serverless;
    this.options = options;
    this.log = log;
    this.hooks = {
      // serverless-esbuild (listed before this plugin) has bundled by now and removes its build folder in
      // the `after:` hook, so the maps are read here; they are written once the package folder is final.
      'before:package:createDeploymentArtifacts': () => this.collect(),
      'after:package:finalize': () => this.write(),
      'after:aws:deploy:deploy:uploadArtifacts': () => this.upload(),
    };
  }

  packageFolder() {
    return path.resolve(this.serverless.serviceDir, this.options.package || '.serverless');
  }

  collect() {
    const esbuild = this.serverless.service.custom?.esbuild ?? {};
    const buildFolder = path.resolve(
      this.serverless.serviceDir,
      esbuild.outputWorkFolder || '.esbuild',
      esbuild.outputBuildFolder || '.build',
    );
    this.maps = new Map();
    for (const [name, fn] of Object.entries(this.serverless.service.functions ?? {})) {
      if (typeof fn.handler !== 'string') continue;
      const map = path.join(buildFolder, `${fn.handler.replace(/\.[^./]+$/, '')}.js.map`);
      if (!fs.existsSync(map)) {
        throw new this.serverless.classes.Error(
          `No source map for ${name} at ${map}: custom.esbuild.sourcemap must be "external".`,
        );
      }
      this.maps.set(name, fs.readFileSync(map));
    }
  }

  write() {
    if (!this.maps) return;
    const target = path.join(this.packageFolder(), 'sourcemaps');
    fs.mkdirSync(target, { recursive: true });
    for (const [name, map] of this.maps) fs.writeFileSync(path.join(target, `${name}.js.map`), map);
    this.log?.verbose?.(`Source maps of ${[...this.maps.keys()].join(', ')} written to ${target}`);
  }

  async upload() {
    // osls skips its own upload when nothing changed; a map folder without zips would count as a deployment.
    if (this.serverless.service.provider.shouldNotDeploy) return;
    const provider = this.serverless.getProvider('aws');
    const folder = path.join(this.packageFolder(), 'sourcemaps');
    const directory = this.serverless.service.package.artifactDirectoryName;
    if (!directory || !fs.existsSync(folder)) return;
    const bucket = await provider.getServerlessDeploymentBucketName();
    // osls 4 removed provider.request() (it throws); plugins build SDK v3 clients from the provider's config.
    const s3 = new S3Client(await provider.getAwsSdkV3Config());
    try {
      for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.map'))) {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `${directory}/sourcemaps/${file}`,
            Body: fs.readFileSync(path.join(folder, file)),
            ContentType: 'application/json',
            ServerSideEncryption: 'AES256',
          }),
        );
      }
    } finally {
      s3.destroy();
    }
    this.log?.notice?.(`Source maps uploaded to s3://${bucket}/${directory}/sourcemaps/`);
  }
}

module.exports = SourceMaps;
