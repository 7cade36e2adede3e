// The SQS record around each ingest message, as strict as Powertools' parser schema (2.35.0) it replaces.
// Powertools' schemas import `{ z }` from zod, which keeps every zod locale in the bundle; `* as z` lets esbuild drop them.
import * as z from '../zod.js';

const SqsMsgAttributeDataType = z.union([
  z.literal('String'),
  z.literal('Number'),
  z.literal('Binary'),
  z.string(),
]);

const SqsMsgAttribute = z.object({
  stringValue: z.nullable(z.optional(z.string())),
  binaryValue: z.nullable(z.optional(z.string())),
  stringListValues: z.optional(z.array(z.string())),
  binaryListValues: z.optional(z.array(z.string())),
  dataType: SqsMsgAttributeDataType,
});

const SqsAttributes = z.object({
  ApproximateReceiveCount: z.string(),
  ApproximateFirstReceiveTimestamp: z.string(),
  MessageDeduplicationId: z.optional(z.string()),
  MessageGroupId: z.optional(z.string()),
  SenderId: z.string(),
  SentTimestamp: z.string(),
  SequenceNumber: z.optional(z.string()),
  AWSTraceHeader: z.optional(z.string()),
  /** Undocumented; set by the console's DLQ redrive. */
  DeadLetterQueueSourceArn: z.optional(z.string()),
});

/** One record of the SQS event Lambda delivers; `body` is still the raw string. */
export const SqsRecordSchema = z.object({
  messageId: z.string(),
  receiptHandle: z.string(),
  body: z.string(),
  attributes: SqsAttributes,
  messageAttributes: z.record(z.string(), SqsMsgAttribute),
  md5OfBody: z.string(),
  md5OfMessageAttributes: z.nullable(z.optional(z.string())),
  eventSource: z.literal('aws:sqs'),
  eventSourceARN: z.string(),
  awsRegion: z.string(),
});

/** A JSON string, parsed and then validated against `schema`; invalid JSON is one fatal issue. */
export function JSONStringified<T extends z.ZodMiniType>(schema: T) {
  return z.pipe(
    z.pipe(
      z.string(),
      z.transform((text: string, payload): unknown => {
        try {
          return JSON.parse(text);
        } catch (error) {
          // The issue classic zod's `ctx.addIssue({ ..., fatal: true })` made: it stops the pipe before `schema`.
          const message = `Invalid JSON - ${(error as Error).message}`;
          payload.issues.push({ code: 'custom', message, input: text, fatal: true, continue: false });
          return undefined;
        }
      }),
    ),
    schema,
  );
}
