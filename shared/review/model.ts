// The review API's request and response bodies. Every body in and out is validated against these.
import * as z from '../zod.js';
import { Claim, ModerationResult } from '../contract.js';
import { DraftName, PublisherId } from '../pipeline/names.js';
import { ReportTotals } from '../report/digest.js';
import { MAX_DRAFT_BYTES, RecordStatus, REVIEW_API } from '../pipeline/resources.js';

export const ROLES = ['reviewer', 'viewer', 'publisher'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Who calls: from the JWT's claims (AWS) or from the bearer token's entry (local mode). */
export const Principal = z.object({
  subject: z.string().check(z.minLength(1)),
  role: Role,
  /** A publisher's own id: it reads only drafts under `drafts/<publisherId>/`. */
  publisherId: z.optional(PublisherId),
  /** How people know the caller (e-mail or user name), for the decision history. */
  name: z.optional(z.string().check(z.minLength(1))),
});
export type Principal = z.infer<typeof Principal>;

export const DECISIONS = ['approve', 'reject', 'changes_requested'] as const;
export const Decision = z.enum(DECISIONS);
export type Decision = z.infer<typeof Decision>;

/** The record status each decision sets. */
export const DECISION_STATUS = {
  approve: 'approved',
  reject: 'rejected',
  changes_requested: 'changes_requested',
} as const satisfies Record<Decision, RecordStatus>;

const Note = z.string().check(z.maxLength(REVIEW_API.maxNoteChars));

export const DecisionRequest = z.strictObject({
  /** The lease token `POST /reviews/next` returned: a decision needs a live lease on this version. */
  leaseId: z.string().check(z.minLength(1), z.maxLength(8_192)),
  decision: Decision,
  note: Note,
  claimNotes: z.optional(
    z
      .array(z.strictObject({ claimId: z.string().check(z.minLength(1), z.maxLength(200)), note: Note }))
      .check(z.maxLength(REVIEW_API.maxClaimNotes)),
  ),
});
export type DecisionRequest = z.infer<typeof DecisionRequest>;

/** The summary of a version a client sees (no table keys, no lease id). */
export const VersionSummary = z.object({
  publisherId: z.string(),
  documentId: z.string(),
  version: z.string(),
  key: z.string(),
  status: RecordStatus,
  verdict: z.optional(z.string()),
  riskScore: z.optional(z.number()),
  policyVersion: z.optional(z.string()),
  uploadedAt: z.string(),
  processedAt: z.string(),
  failure: z.optional(z.object({ code: z.string(), message: z.string() })),
  leaseExpiresAt: z.optional(z.string()),
  decidedBy: z.optional(z.string()),
  decidedAt: z.optional(z.string()),
  decisionNote: z.optional(z.string()),
});
export type VersionSummary = z.infer<typeof VersionSummary>;

/** A flagged claim with the draft's text around it (offsets are UTF-16 offsets into the draft as stored). */
export const ClaimInContext = z.extend(Claim, {
  /** Its place among the draft's flagged claims in reading order, from 1: "claim 3" on every page and in the CLI. */
  number: z.number().check(z.int(), z.positive()),
  context: z.object({ before: z.string(), text: z.string(), after: z.string() }),
});
export type ClaimInContext = z.infer<typeof ClaimInContext>;

const count = z.number().check(z.int(), z.nonnegative());

/** A short-lived presigned GET on the bucket: send exactly `headers` with it. */
export const PresignedGet = z.object({
  url: z.url(),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.iso.datetime(),
});
export type PresignedGet = z.infer<typeof PresignedGet>;

/**
 * A version's text and result, bounded whatever the draft (REVIEW_API.responseBudget): a text too large to send
 * comes as `textUrl`; lists too long to send are cut (flagged claims riskiest first, unsupported citations
 * first), `totals` still counts everything, and `resultUrl`, when the full result is in `reports/`, gets it.
 */
const BoundedView = {
  draft: VersionSummary,
  /** The draft's text at this version; null when it is sent as `textUrl` or is no longer in the bucket. */
  text: z.nullable(z.string()),
  textUrl: z.optional(PresignedGet),
  resultUrl: z.optional(PresignedGet),
};

/** The review queue as a reviewer sees it (SQS's approximate counts). */
export const QueueCounts = z.object({
  /** Drafts waiting for a reviewer. */
  waiting: count,
  /** Drafts other reviewers hold a lease on now. */
  inReviewByOthers: count,
});
export type QueueCounts = z.infer<typeof QueueCounts>;

/** `POST /reviews/next`'s optional body: `skip` hands a held lease back once another draft is leased. */
export const NextRequest = z.strictObject({
  skip: z.optional(z.string().check(z.minLength(1), z.maxLength(8_192))),
});
export type NextRequest = z.infer<typeof NextRequest>;

export const NextResponse = z.union([
  z.object({ empty: z.literal(true), queue: QueueCounts }),
  z.object({
    empty: z.literal(false),
    /** True when this is the caller's own live lease, taken earlier (a reload), rather than a new one. */
    resumed: z.boolean(),
    leaseId: z.string(),
    leaseExpiresAt: z.string(),
    ...BoundedView,
    result: ModerationResult,
    totals: ReportTotals,
    flaggedClaims: z.array(ClaimInContext),
    queue: QueueCounts,
  }),
]);
export type NextResponse = z.infer<typeof NextResponse>;

/** `GET /reviews/queue`: the counts, and the draft the caller holds a live lease on, if any. */
export const QueueResponse = z.object({
  queue: QueueCounts,
  held: z.nullable(z.object({ leaseExpiresAt: z.string(), draft: VersionSummary })),
});
export type QueueResponse = z.infer<typeof QueueResponse>;

/** `POST /reviews/{leaseId}/release`: the version, back in the queue. */
export const ReleaseResponse = z.object({ draft: VersionSummary });
export type ReleaseResponse = z.infer<typeof ReleaseResponse>;

export const LeaseResponse = z.object({ leaseId: z.string(), leaseExpiresAt: z.string() });
export type LeaseResponse = z.infer<typeof LeaseResponse>;

export const AuditEntry = z.object({
  publisherId: z.string(),
  documentId: z.string(),
  version: z.string(),
  auditId: z.string(),
  at: z.iso.datetime(),
  by: z.string(),
  /** The reviewer's e-mail or user name, for people (`by` is the user pool's subject id). */
  byName: z.optional(z.string()),
  decision: Decision,
  status: RecordStatus,
  note: z.string(),
  claimNotes: z.array(z.object({ claimId: z.string(), note: z.string() })),
  /** What the reviewer saw when deciding. */
  policyVersion: z.optional(z.string()),
  riskScore: z.optional(z.number()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const DecisionResponse = z.object({ draft: VersionSummary, audit: AuditEntry });
export type DecisionResponse = z.infer<typeof DecisionResponse>;

export const DraftResponse = z.object({ latest: VersionSummary, history: z.array(VersionSummary) });
export type DraftResponse = z.infer<typeof DraftResponse>;

/** An audit entry as the audit route answers it: a publisher reads what was decided, not which reviewer did. */
export const AuditView = z.extend(z.omit(AuditEntry, { by: true }), { by: z.optional(z.string()) });

export type AuditView = z.infer<typeof AuditView>;

export const AuditResponse = z.object({ entries: z.array(AuditView) });
export type AuditResponse = z.infer<typeof AuditResponse>;

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.optional(z.unknown()) }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Drafts must be UTF-8 (the pipeline refuses anything else), so utf-8 is the only charset accepted. */
const UPLOAD_CONTENT_TYPES = ['text/plain', 'text/markdown', 'text/html'] as const;
const UploadContentType = z.string().check(
  z.regex(/^text\/(plain|markdown|html)(; charset=utf-8)?$/, {
    message: `expected one of ${UPLOAD_CONTENT_TYPES.join(', ')}, optionally followed by "; charset=utf-8"`,
  }),
);

export const UploadRequest = z.strictObject({
  /** The file name, which becomes the document id (shared/pipeline/names.ts says what is refused and why). */
  name: DraftName,
  /** Signed into the URL: the PUT must send exactly this Content-Type. */
  contentType: UploadContentType,
  /** Signed into the URL: the PUT must send exactly this many bytes. */
  size: z.number().check(z.int(), z.gte(1), z.lte(MAX_DRAFT_BYTES)),
  /** When given, it must be the caller's own (the CLI's --publisher is checked here). */
  publisherId: z.optional(PublisherId),
});
export type UploadRequest = z.infer<typeof UploadRequest>;

export const UploadResponse = z.object({
  uploadUrl: z.url(),
  method: z.literal('PUT'),
  /** Send these headers, and no other signed ones, with the PUT. */
  headers: z.object({ 'content-type': z.string() }),
  key: z.string(),
  documentId: z.string(),
  publisherId: z.string(),
  expiresAt: z.iso.datetime(),
});
export type UploadResponse = z.infer<typeof UploadResponse>;

/** One version's report: the result (null when the draft could not be moderated) and its risky claims in context. */
export const ReportResponse = z.object({
  ...BoundedView,
  result: z.nullable(ModerationResult),
  totals: z.optional(ReportTotals),
  claims: z.array(ClaimInContext),
});
export type ReportResponse = z.infer<typeof ReportResponse>;
