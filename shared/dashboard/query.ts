// Pure parts of the dashboard's reads: who may see what, the windows, the sort-key ranges and the cursors.
import * as z from '../zod.js';
import { readablePublisher } from '../review/auth.js';
import { ReviewApiError } from '../review/errors.js';
import type { Principal } from '../review/model.js';
import type { ListQuery, StatsQuery } from './model.js';
import { addDays } from './counters.js';
import { Cursor, DASHBOARD } from './model.js';

const bad = (message: string) => new ReviewApiError('bad_request', message);

/** The query string, validated; 400 with what is wrong otherwise. */
export function parseQuery<T>(schema: z.ZodMiniType<T>, query: Record<string, string | undefined>): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw bad(z.prettifyError(parsed.error));
  return parsed.data;
}

/** Whose drafts: reviewers and viewers read everyone's (or name one publisher); a publisher only its own. */
export function dashboardScope(principal: Principal, requested: string | undefined): string | undefined {
  return principal.role === 'publisher' ? readablePublisher(principal, requested) : requested;
}

function checkOrder(from: string | undefined, to: string | undefined) {
  if (from !== undefined && to !== undefined && from > to) throw bad('from must not be after to');
}

/** `/stats`' window: `to` defaults to today (UTC), `from` to DASHBOARD.defaultDays days up to `to`. */
export function statsWindow(query: StatsQuery, today: string): { from: string; to: string } {
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, 1 - DASHBOARD.defaultDays);
  checkOrder(from, to);
  if (to > addDays(from, DASHBOARD.maxDays - 1))
    throw bad(`the window may span at most ${DASHBOARD.maxDays} days`);
  return { from, to };
}

/**
 * The index sort-key range of a `/drafts` page, for BETWEEN (inclusive). Both indexes' sort keys start with
 * the ISO `uploadedAt`, so whole days bound them: `~` sorts after the `T...` that follows a date. With a cursor,
 * the range ends at the cursor's row, which the caller drops (`exclude`): it was on the previous page.
 * Undefined when the range is empty.
 */
export function sortKeyRange(
  query: Pick<ListQuery, 'from' | 'to'>,
  cursor: Cursor | undefined,
): { lo: string; hi: string; exclude?: string } | undefined {
  checkOrder(query.from, query.to);
  const lo = query.from ?? '0';
  const end = query.to === undefined ? '~' : `${query.to}~`;
  if (cursor === undefined || cursor.sk > end) return { lo, hi: end };
  // A cursor before the window: nothing is left (DynamoDB refuses a BETWEEN whose bounds are reversed).
  return cursor.sk < lo ? undefined : { lo, hi: cursor.sk, exclude: cursor.sk };
}

export const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/** 400 unless it is a cursor this API made, for the same index (the same kind of filters). */
export function decodeCursor(token: string, index: Cursor['index']): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad('the cursor is not valid');
  }
  const parsed = Cursor.safeParse(value);
  if (!parsed.success) throw bad('the cursor is not valid');
  if (parsed.data.index !== index) throw bad('the cursor was made for other filters');
  return parsed.data;
}

/**
 * One page from several partitions' newest-first rows, each of which holds that partition's first `size` + 1
 * rows in the range (or all of them): the rows newest first, without the cursor's, cut to `size`.
 */
export function mergeNewestFirst<T>(
  partitions: ReadonlyArray<readonly T[]>,
  sortKey: (row: T) => string,
  size: number,
  exclude: string | undefined,
): { page: T[]; more: boolean } {
  const rows = partitions
    .flat()
    .filter((row) => sortKey(row) !== exclude)
    .sort((a, b) => (sortKey(a) < sortKey(b) ? 1 : sortKey(a) > sortKey(b) ? -1 : 0));
  return { page: rows.slice(0, size), more: rows.length > size };
}
