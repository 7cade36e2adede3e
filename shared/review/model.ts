// The review API's request and response bodies. Every body in and out is validated against these.
import * as z from '../zod.js';
import { Claim, ModerationResult } from '../contract.js';
import { DraftName, PublisherId } from '../pipeline/names.js';
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
  context: z.object({ before: z.string(), text: z.string(), after: z.string() }),
});
export type ClaimInContext = z.infer<typeof ClaimInContext>;

export const NextResponse = z.union([
  z.object({ empty: z.literal(true) }),
  z.object({
    empty: z.literal(false),
    leaseId: z.string(),
    leaseExpiresAt: z.string(),
    draft: VersionSummary,
    /** The draft's text at this version; null when the version is no longer in the bucket. */
    text: z.nullable(z.string()),
    result: ModerationResult,
    flaggedClaims: z.array(ClaimInContext),
  }),
]);
export type NextResponse = z.infer<typeof NextResponse>;

export const LeaseResponse = z.object({ leaseId: z.string(), leaseExpiresAt: z.string() });
export type LeaseResponse = z.infer<typeof LeaseResponse>;

export const AuditEntry = z.object({
  publisherId: z.string(),
  documentId: z.string(),
  version: z.string(),
  auditId: z.string(),
  at: z.iso.datetime(),
  by: z.string(),
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

export const AuditResponse = z.object({ entries: z.array(AuditEntry) });
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

/** One version's full report: the result (null when the draft could not be moderated) and its risky claims in context. */
export const ReportResponse = z.object({
  draft: VersionSummary,
  text: z.nullable(z.string()),
  result: z.nullable(ModerationResult),
  claims: z.array(ClaimInContext),
});
export type ReportResponse = z.infer<typeof ReportResponse>;
