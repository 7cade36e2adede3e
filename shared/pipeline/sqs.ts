// The SQS record around each ingest message, as strict as Powertools' parser schema (2.35.0) it replaces.
// Powertools' schemas import `{ z }` from zod, which keeps every zod locale in the bundle; `* as z` lets esbuild drop them.
import * as z from 'zod';

const SqsMsgAttributeDataType = z.union([
  z.literal('String'),
  z.literal('Number'),
  z.literal('Binary'),
  z.string(),
]);

const SqsMsgAttribute = z.object({
  stringValue: z.string().optional().nullable(),
  binaryValue: z.string().optional().nullable(),
  stringListValues: z.array(z.string()).optional(),
  binaryListValues: z.array(z.string()).optional(),
  dataType: SqsMsgAttributeDataType,
});

const SqsAttributes = z.object({
  ApproximateReceiveCount: z.string(),
  ApproximateFirstReceiveTimestamp: z.string(),
  MessageDeduplicationId: z.string().optional(),
  MessageGroupId: z.string().optional(),
  SenderId: z.string(),
  SentTimestamp: z.string(),
  SequenceNumber: z.string().optional(),
  AWSTraceHeader: z.string().optional(),
  /** Undocumented; set by the console's DLQ redrive. */
  DeadLetterQueueSourceArn: z.string().optional(),
});

/** One record of the SQS event Lambda delivers; `body` is still the raw string. */
export const SqsRecordSchema = z.object({
  messageId: z.string(),
  receiptHandle: z.string(),
  body: z.string(),
  attributes: SqsAttributes,
  messageAttributes: z.record(z.string(), SqsMsgAttribute),
  md5OfBody: z.string(),
  md5OfMessageAttributes: z.string().optional().nullable(),
  eventSource: z.literal('aws:sqs'),
  eventSourceARN: z.string(),
  awsRegion: z.string(),
});

/** A JSON string, parsed and then validated against `schema`; invalid JSON is one fatal issue. */
export function JSONStringified<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `Invalid JSON - ${(error as Error).message}`, fatal: true });
        // The fatal issue stops the pipe before `schema` sees this value.
        return undefined;
      }
    })
    .pipe(schema);
}
