/**
 * The whole service on one machine: s3rver and the SES v2 emulator on 127.0.0.1, the real Lambda entry
 * points (`src/handlers/*.main`) configured through the same environment variables as in AWS, and S3
 * notifications delivered to `summarize` with the `articles/` prefix filter that serverless.yml sets.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { createS3Client } from '../aws/clients.js';
import { getJson, listAll } from '../aws/s3-objects.js';
import type { SummarizeReport } from '../handlers/summarize-handler.js';
import { lambdaContext, setEnv } from './lambda-runtime.js';
import { startFunctionUrl, type FunctionUrlHandler, type LocalFunctionUrl } from './function-url.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  sesEmulatorAccount,
  startS3Emulator,
  startSesEmulator,
  type S3Emulator,
  type SesEmulator,
} from './emulators.js';

export const LOCAL_BUCKET = 'article-digest-local';
export const LOCAL_SENDER = 'digest@example.com';
export const LOCAL_RECIPIENTS = ['reader.one@example.com', 'reader.two@example.com'];
const ARTICLES_PREFIX = 'articles/';

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.json': 'application/json',
};

type LambdaEntry = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalStack {
  s3: S3Emulator;
  ses: SesEmulator;
  /** The unsubscribe function's URL, as the digest's List-Unsubscribe header points to it. */
  unsubscribe: LocalFunctionUrl;
  /** The article-link function's URL, which the digest's links to stored originals point to. */
  articleLink: LocalFunctionUrl;
  bucket: string;
  client: S3Client;
  /** Uploads a local file under `articles/` as any S3 client would; the notification does the rest. */
  upload(path: string): Promise<string>;
  /** Resolves when every notification delivered so far has been handled. */
  settled(): Promise<void>;
  /** Invokes the digest as the hourly schedule would, at `time`. */
  runDigest(time: Date): Promise<unknown>;
  listJson(prefix: string): Promise<{ key: string; body: unknown }[]>;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  quietLogs?: boolean;
  /** Called with what `summarize` returned for each notification, e.g. to print it. */
  onSummarized?: (report: SummarizeReport) => void;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const s3 = await startS3Emulator({ buckets: [LOCAL_BUCKET] });
  const ses = await startSesEmulator();
  // The URLs must be known before the digest loads its config; the handlers are loaded after the env is set.
  const loaded: { unsubscribe?: FunctionUrlHandler; articleLink?: FunctionUrlHandler } = {};
  const functionUrl = (name: keyof typeof loaded, functionName: string) =>
    startFunctionUrl(
      () => loaded[name] ?? (() => Promise.reject(new Error(`${functionName} is not loaded yet`))),
      () => lambdaContext(functionName),
    );
  const unsubscribeUrl = await functionUrl('unsubscribe', 'unsubscribe');
  const articleLinkUrl = await functionUrl('articleLink', 'article-link');
  const restoreEnv = setEnv({
    ...LOCAL_CREDENTIALS,
    AWS_REGION: LOCAL_REGION,
    BUCKET: LOCAL_BUCKET,
    S3_ENDPOINT: s3.endpoint,
    SES_ENDPOINT: ses.endpoint,
    SENDER_EMAIL: LOCAL_SENDER,
    RECIPIENTS: LOCAL_RECIPIENTS.join(','),
    DIGEST_TIME_ZONE: 'UTC',
    // Hour 0: the local digest is due whenever it is run, still at most once per subscriber and day.
    DIGEST_SEND_HOUR: '0',
    UNSUBSCRIBE_URL: unsubscribeUrl.url,
    ARTICLE_LINK_URL: articleLinkUrl.url,
    // The one local master secret: each kind of link derives its own key from it (on AWS each public
    // function gets only its own purpose's secret instead; src/links/link-secrets.ts).
    LINK_SIGNING_SECRET: 'local-only-secret-not-for-production-000000',
    POWERTOOLS_LOG_LEVEL: options.quietLogs ? 'WARN' : 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'true',
    // Lambda runs Node 22; locally Node 20 is supported until the SDK's January 2027 releases.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // What the SES emulator's GetAccount answers: a production account, so the sandbox check passes.
    AWS_SES_ACCOUNT: sesEmulatorAccount({ productionAccess: true, maxSendRate: 14, max24HourSend: 50_000 }),
  });
  const summarize = (await import('../handlers/summarize.js')).main as unknown as LambdaEntry;
  const digest = (await import('../handlers/digest.js')).main as unknown as LambdaEntry;
  loaded.unsubscribe = (await import('../handlers/unsubscribe.js')).main as unknown as FunctionUrlHandler;
  loaded.articleLink = (await import('../handlers/article-link.js')).main as unknown as FunctionUrlHandler;
  const client = createS3Client({ AWS_REGION: LOCAL_REGION, S3_ENDPOINT: s3.endpoint });

  const inFlight = new Set<Promise<unknown>>();
  s3.onObjectCreated((event: S3Event) => {
    const records = event.Records.filter((r) => r.s3.object.key.startsWith(ARTICLES_PREFIX));
    if (records.length === 0) return;
    const run = summarize({ Records: records }, lambdaContext('summarize'))
      .then((report) => options.onSummarized?.(report as SummarizeReport))
      .catch((error: unknown) =>
        console.error(`summarize failed and would be retried by Lambda: ${String(error)}`),
      )
      .finally(() => inFlight.delete(run));
    inFlight.add(run);
  });

  return {
    s3,
    ses,
    unsubscribe: unsubscribeUrl,
    articleLink: articleLinkUrl,
    bucket: LOCAL_BUCKET,
    client,
    async upload(path) {
      const key = `${ARTICLES_PREFIX}${basename(path)}`;
      const contentType = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
      await client.send(
        new PutObjectCommand({
          Bucket: LOCAL_BUCKET,
          Key: key,
          Body: await readFile(path),
          ContentType: contentType,
        }),
      );
      return key;
    },
    async settled() {
      // s3rver emits the notification before it answers the PUT, so every upload's run is already in flight.
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      // Digest windows end on a whole second (S3's LastModified resolution): let this second pass, so a
      // digest run right after it includes what was just stored, as an hourly run would.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 1));
    },
    // The digest's timeout in serverless.yml: it stops starting sends well before it (digest-handler.ts).
    runDigest: (time) => digest({ time: time.toISOString() }, lambdaContext('digest', 300_000)),
    async listJson(prefix) {
      const keys = (await listAll(client, LOCAL_BUCKET, prefix)).flatMap((o) => (o.Key ? [o.Key] : []));
      return Promise.all(keys.map(async (key) => ({ key, body: await getJson(client, LOCAL_BUCKET, key) })));
    },
    async close() {
      client.destroy();
      await Promise.all([s3.close(), ses.close(), unsubscribeUrl.close(), articleLinkUrl.close()]);
      // The handlers read it lazily (config, credentials) while the stack runs; afterwards it is given back.
      restoreEnv();
    },
  };
}
