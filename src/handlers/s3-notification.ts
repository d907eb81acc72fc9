/**
 * The S3 event notification the summarize function is invoked with, validated at the edge. The same schema as
 * Powertools' `S3Schema` (@aws-lambda-powertools/parser 2.35) for the notifications S3 sends, written here
 * so the bundle does not pull in the parser package, whose schemas import zod's whole namespace (about
 * 350 KiB of the bundle; `import * as z` lets esbuild keep only what is used).
 */
import * as z from '../zod.js';

const identity = z.object({ principalId: z.string() });

const s3RecordSchema = z.object({
  eventVersion: z.string(),
  eventSource: z.literal('aws:s3'),
  awsRegion: z.string(),
  eventTime: z.iso.datetime(),
  eventName: z.string(),
  userIdentity: identity,
  requestParameters: z.object({
    // Powertools accepts IPv4 only; an upload through S3's dual-stack endpoint comes from an IPv6 address.
    sourceIPAddress: z.union([z.ipv4(), z.ipv6(), z.literal('s3.amazonaws.com')]),
  }),
  responseElements: z.object({
    'x-amz-request-id': z.string(),
    'x-amz-id-2': z.string(),
  }),
  s3: z.object({
    s3SchemaVersion: z.string(),
    configurationId: z.string(),
    object: z.object({
      key: z.string(),
      size: z.optional(z.number()),
      urlDecodedKey: z.optional(z.string()),
      eTag: z.optional(z.string()),
      sequencer: z.optional(z.string()),
      versionId: z.optional(z.string()),
    }),
    bucket: z.object({
      name: z.string(),
      ownerIdentity: identity,
      arn: z.string(),
    }),
  }),
  glacierEventData: z.optional(
    z.object({
      restoreEventData: z.object({
        lifecycleRestorationExpiryTime: z.string(),
        lifecycleRestoreStorageClass: z.string(),
      }),
    }),
  ),
});

export const s3NotificationSchema = z.object({ Records: z.array(s3RecordSchema).check(z.minLength(1)) });

export type S3Notification = z.infer<typeof s3NotificationSchema>;
