// Issues 5 and 12: the review page in real headless Chromium against the local pipeline and the local API
// server: keys that must not type into the note, a reload that keeps the lease, release and skip, the approve
// confirmation, the readable text view, and the decision history and claim notes on the draft's page. Issue 10:
// the draft's genre and each claim's assertion status, in words, and results stored before them.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReviewApiServer } from '../../local/review-api.js';
import { AUDIT_SK_PREFIX, draftPk } from '../../shared/pipeline/record.js';
import { AuditEntry } from '../../shared/review/model.js';
import { defaultPolicy } from '../../shared/policy/index.js';
import { genreExplained } from '../../shared/report/advice.js';
import { titlesOf } from '../../shared/report/words.js';
import type { TestBrowser } from '../support/browser.js';
import { launchBrowser, screenshot, SKIP_WITHOUT_CHROMIUM } from '../support/browser.js';
import { visibleTextProblems } from '../support/visible-text.js';
import {
  clients,
  drainReviewQueue,
  latest,
  names,
  publisher,
  queueDepth,
  queues,
  recorded,
  startApi,
  until,
  upload,
} from './support.js';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

const PUB = publisher('page');
const DOC = 'magnesium-ssri-adjunct.txt';
// A risky draft that also carries markup: the page must show it as text and never run it.
const INJECTED = `<script>window.__injected = 'script'</script> <img src="x" onerror="window.__injected = 'onerror'">`;
const DRAFT = readFileSync('test/fixtures/drafts/magnesium-ssri-adjunct.txt', 'utf8').replace(
  'Where magnesium comes from',
  `${INJECTED}\n\nWhere magnesium comes from`,
);
const MARKDOWN = readFileSync('samples/turmeric-joint-pain.md', 'utf8');
const titles = titlesOf(defaultPolicy);

describe.skipIf(SKIP_WITHOUT_CHROMIUM)('the review page in Chromium', () => {
  let api: ReviewApiServer;
  let chromium: TestBrowser;
  const reviewPage = () => `${api.url}/review.html#token=${api.tokens.reviewer}`;

  beforeAll(async () => {
    [api, chromium] = await Promise.all([
      startApi([
        { name: 'reviewer', role: 'reviewer' },
        { name: 'viewer', role: 'viewer' },
        { name: 'publisher', role: 'publisher', publisherId: PUB },
      ]),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), chromium?.close()]);
  });

  beforeEach(drainReviewQueue);

  async function openReviewPage() {
    const opened = await chromium.newPage();
    await opened.page.goto(reviewPage());
    // The token leaves the address bar once read.
    await opened.page.waitForFunction(
      () => !(globalThis as unknown as { location: URL }).location.hash.includes('token'),
    );
    return opened;
  }

  it('a reviewer takes a flagged draft, sees its claims numbered in the text, and approves it after a second ask', async () => {
    await upload(`drafts/${PUB}/${DOC}`, DRAFT);
    const [record] = await recorded(PUB, DOC);
    expect(record?.status).toBe('pending_review');
    const risky = (record?.result?.claims ?? [])
      .filter((claim) => claim.riskLevel !== 'low')
      .sort((a, b) => a.start - b.start);
    expect(risky.length).toBeGreaterThan(2);
    expect(risky.some((claim) => claim.riskLevel === 'high')).toBe(true);
    // The stored item keeps who is speaking and how each claim is put, its top claims too.
    const genre = record?.result?.genre;
    expect(genre?.kind).toBe('promotional');
    expect(risky.every((claim) => claim.assertion !== undefined)).toBe(true);
    expect(record?.topClaims?.length).toBeGreaterThan(0);
    for (const top of record?.topClaims ?? [])
      expect(top.assertion).toBe(risky.find((claim) => claim.id === top.id)?.assertion);

    const { page, errors } = await openReviewPage();
    await expect
      .poll(() => page.locator('#queue-counts').textContent())
      .toBe('1 draft waiting · 0 in review by others');
    await page.keyboard.press('n');
    await page.locator('mark.claim').first().waitFor();

    // Every risky claim is marked once, with its exact text from the draft, numbered in reading order.
    const marks = await page.locator('mark.claim').evaluateAll((elements) =>
      elements.map((element) => ({
        id: element.getAttribute('data-claim-id'),
        number: element.getAttribute('data-number'),
        text: element.textContent,
      })),
    );
    expect(marks).toEqual(
      risky.map((claim, i) => ({ id: claim.id, number: String(i + 1), text: claim.text })),
    );
    expect(await page.locator('.claim-card .claim-number').allTextContents()).toEqual(
      risky.map((_, i) => `Claim ${i + 1}`),
    );
    // Who is speaking and what follows for the claims, in the draft's summary; how each claim is put, at its card.
    const explained = genreExplained(genre!, titles);
    const genreLines = await page.locator('.lease-bar .genre p').allTextContents();
    expect(genreLines[0]).toMatch(/^Promotional: hedges do not soften disease claims/);
    expect(genreLines).toEqual([`${explained.title}: ${explained.consequence}`, ...explained.details]);
    expect(await page.locator('.claim-card .assertion').allTextContents()).toEqual(
      risky.map((claim) => titles.assertion(claim.assertion!)),
    );
    expect(await visibleTextProblems(page)).toEqual([]);
    await expect.poll(() => page.locator('#lease-timer').textContent()).toMatch(/^Lease 1[45]:\d\d$/);
    await expect
      .poll(() => page.locator('#queue-counts').textContent())
      .toBe('0 drafts waiting · 0 in review by others');

    // The injected markup is on the page as text; it created no element and ran nothing.
    expect(await page.locator('.draft-text').textContent()).toContain(INJECTED);
    expect(await page.locator('.draft-text script, .draft-text img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __injected?: string }).__injected)).toBeUndefined();

    await screenshot(page, 'review-page');

    // R with an empty note: refused, the focus goes to the note, and the key is not typed into it.
    await page.keyboard.press('r');
    await expect.poll(() => page.locator('#flash').textContent()).toContain('say in the note');
    expect(
      await page.locator('#decision-note').evaluate((field) => field.ownerDocument.activeElement === field),
    ).toBe(true);
    expect(await page.locator('#decision-note').inputValue()).toBe('');
    await page.locator('#decision-note').press('Escape');
    await page.keyboard.press('c');
    expect(await page.locator('#decision-note').inputValue()).toBe('');
    expect((await latest(PUB, DOC))?.status).toBe('pending_review');

    // Approving with high-risk claims left asks once more; Esc cancels, a second A confirms.
    const note = 'Checked against the label: approved for the newsletter.';
    await page.locator('#decision-note').fill(note);
    await page.locator('#decision-note').press('Escape');
    await page.keyboard.press('a');
    const confirm = page.locator('#confirm-approve');
    await confirm.waitFor();
    expect(await confirm.textContent()).toMatch(
      /^\d+ high-risk claims? (is|are) still in this draft\. Approve it anyway\?/,
    );
    await screenshot(page, 'review-approve-confirm');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    expect((await latest(PUB, DOC))?.status).toBe('pending_review');
    await page.keyboard.press('a');
    await confirm.waitFor();
    await page.keyboard.press('a');
    await page.locator('[data-decided="approved"]').waitFor();
    expect(await page.locator('[data-decided]').textContent()).toContain(`${DOC} from ${PUB}: Approved.`);

    const decided = await latest(PUB, DOC);
    expect(decided).toMatchObject({ status: 'approved', decidedBy: 'local-reviewer', decisionNote: note });
    const { Items = [] } = await clients.db.send(
      new QueryCommand({
        TableName: names.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': draftPk(PUB, DOC), ':audit': AUDIT_SK_PREFIX },
      }),
    );
    expect(Items.map((item) => AuditEntry.parse(item))).toEqual([
      expect.objectContaining({
        decision: 'approve',
        status: 'approved',
        by: 'local-reviewer',
        byName: 'reviewer',
        note,
        riskScore: record?.riskScore,
        policyVersion: record?.policyVersion,
      }),
    ]);
    expect(errors).toEqual([]);
  });

  it('a reload picks the held draft up with the same lease; skip takes another, release hands it back', async () => {
    const first = 'reload-1.md';
    const second = 'reload-2.md';
    await upload(`drafts/${PUB}/${first}`, MARKDOWN);
    await upload(`drafts/${PUB}/${second}`, MARKDOWN);
    await recorded(PUB, first);
    await recorded(PUB, second);

    const { page, errors } = await openReviewPage();
    await page.keyboard.press('n');
    await page.locator('.doc-title').waitFor();
    const taken = (await page.locator('.doc-title').textContent()) ?? '';
    const held = await latest(PUB, taken);
    expect(held?.leaseHolder).toBe('local-reviewer');
    const timer = await page.locator('#lease-timer').textContent();

    // A Markdown draft opens readable: headings and list items kept, no markup, claims marked; T shows the source.
    expect(await page.locator('.readable-text h3').allTextContents()).toContain('What is turmeric?');
    expect(await page.locator('.readable-text li').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('.readable-text').textContent()).not.toContain('**');
    expect(await page.locator('.readable-text mark.claim').count()).toBeGreaterThan(0);
    await screenshot(page, 'review-readable');
    await page.keyboard.press('t');
    expect(await page.locator('.draft-text').textContent()).toContain('**curcuminoids**');
    await page.keyboard.press('t');
    await page.locator('.readable-text').waitFor();

    // Reload: the same draft, the same lease (nothing new leased, the timer runs on), said so.
    await page.reload();
    await page.locator('.doc-title').waitFor();
    expect(await page.locator('.doc-title').textContent()).toBe(taken);
    await expect.poll(() => page.locator('#flash').textContent()).toContain('picked up where you left off');
    const after = await latest(PUB, taken);
    expect(after?.leaseId).toBe(held?.leaseId);
    expect(after?.leaseExpiresAt).toBe(held?.leaseExpiresAt);
    expect((await page.locator('#lease-timer').textContent()) ?? '').not.toBe('');
    expect(timer).not.toBe('');
    await screenshot(page, 'review-resumed');

    // Skip: the other draft, and the skipped one is back in the queue for anyone.
    await page.keyboard.press('s');
    await expect.poll(() => page.locator('.doc-title').textContent()).not.toBe(taken);
    const other = (await page.locator('.doc-title').textContent()) ?? '';
    expect([first, second]).toContain(other);
    await until('the skipped draft released', async () =>
      (await latest(PUB, taken))?.leaseId === undefined ? true : undefined,
    );
    await until('the skipped draft waiting', async () =>
      (await queueDepth(queues.review)).visible === 1 ? true : undefined,
    );

    // Release: back in the queue now, the page says so and counts it.
    await page.keyboard.press('l');
    await page.getByText(`${other} is back in the queue for any reviewer.`).waitFor();
    await expect
      .poll(() => page.locator('#queue-counts').textContent())
      .toBe('2 drafts waiting · 0 in review by others');
    expect((await latest(PUB, other))?.leaseId).toBeUndefined();
    expect(await visibleTextProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("the draft's page names a reference text as such, and shows a result stored before genres without them", async () => {
    const draftPage = (documentId: string, version = '') =>
      `${api.url}/draft.html?${new URLSearchParams({ publisherId: PUB, documentId, version })}#token=${api.tokens.viewer}`;
    const sheet = 'vitamin-d-fact-sheet.txt';
    await upload(`drafts/${PUB}/${sheet}`, readFileSync(`samples/${sheet}`));
    const [reference] = await recorded(PUB, sheet);
    expect(reference?.result?.genre?.kind).toBe('reference');
    const { page, errors } = await chromium.newPage();
    await page.goto(draftPage(sheet, reference?.version));
    const genre = page.locator('.report .genre');
    await genre.waitFor();
    const lines = await genre.locator('p').allTextContents();
    expect(lines[0]).toMatch(/^Reference text: hedged evidence summaries are not claims, /);
    expect(lines.slice(1)).toEqual(reference?.result?.genre?.reasons.slice(1));
    expect(await visibleTextProblems(page)).toEqual([]);

    // A flagged draft as stored before genres and assertion statuses: its report shows without them.
    const before = 'before-genres.md';
    await upload(`drafts/${PUB}/${before}`, MARKDOWN);
    const [record] = await recorded(PUB, before);
    const claimCount = record?.result?.claims?.length ?? 0;
    const topCount = record?.topClaims?.length ?? 0;
    expect(claimCount).toBeGreaterThan(0);
    await clients.db.send(
      new UpdateCommand({
        TableName: names.table,
        Key: { pk: record?.pk, sk: record?.sk },
        UpdateExpression: `REMOVE ${[
          '#result.#genre',
          ...Array.from({ length: claimCount }, (_, i) => `#result.claims[${i}].#assertion`),
          ...Array.from({ length: topCount }, (_, i) => `topClaims[${i}].#assertion`),
        ].join(', ')}`,
        ExpressionAttributeNames: { '#result': 'result', '#genre': 'genre', '#assertion': 'assertion' },
      }),
    );
    const stripped = await latest(PUB, before);
    expect(stripped?.result?.genre).toBeUndefined();
    expect(stripped?.result?.claims?.some((claim) => claim.assertion !== undefined)).toBe(false);
    await page.goto(draftPage(before, record?.version));
    await page.locator('.claim-card').first().waitFor();
    expect(await page.locator('.claim-card').count()).toBe(
      record?.result?.claims?.filter((claim) => claim.riskLevel !== 'low').length,
    );
    expect(await page.locator('.genre, .claim-card .assertion').count()).toBe(0);
    expect(await visibleTextProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("the draft's page shows the decision history, and the publisher each reviewer's note at its claim", async () => {
    const doc = 'history.md';
    await upload(`drafts/${PUB}/${doc}`, MARKDOWN);
    const [record] = await recorded(PUB, doc);
    const { page, errors } = await openReviewPage();
    await page.keyboard.press('n');
    await page.locator('.claim-card').first().waitFor();
    const claimNote = 'Say "may support joint comfort" instead, and cite the trial.';
    await page.locator('.claim-card').first().locator('textarea.claim-note').fill(claimNote);
    await page.locator('#decision-note').fill('Reword the disease claims and add the FDA statement.');
    await page.locator('button[data-decision="changes_requested"]').click();
    await page.locator('[data-decided="changes_requested"]').waitFor();
    expect(await page.locator('[data-decided]').textContent()).toContain(': Changes requested.');

    const url = `/draft.html?${new URLSearchParams({ publisherId: PUB, documentId: doc, version: record?.version ?? '' })}`;
    // A viewer: who, when, the decision, the note, the claim's note by number, and what the reviewer saw.
    const viewer = await chromium.newPage();
    await viewer.page.goto(`${api.url}${url}#token=${api.tokens.viewer}`);
    const history = viewer.page.locator('.history');
    await history.waitFor();
    const entry = await history.locator('.history-entry').textContent();
    expect(entry).toMatch(/Changes requested on .* by reviewer/);
    expect(entry).toContain('Reword the disease claims and add the FDA statement.');
    expect(entry).toContain(`Claim 1: ${claimNote}`);
    expect(entry).toContain(
      `What the reviewer saw: risk ${record?.riskScore}, policy ${record?.policyVersion}.`,
    );
    await screenshot(viewer.page, 'draft-history');
    expect(await visibleTextProblems(viewer.page)).toEqual([]);

    // The publisher: the decision and note, its claim's note at the claim, and no reviewer's name.
    const owner = await chromium.newPage();
    await owner.page.goto(`${api.url}${url}#token=${api.tokens.publisher}`);
    await owner.page.locator('.history').waitFor();
    expect(await owner.page.locator('.verdict').textContent()).toContain('Changes requested');
    const card = owner.page.locator('.claim-card').first();
    expect(await card.locator('.reviewer-claim-note').textContent()).toBe(`Reviewer's note: ${claimNote}`);
    expect(await owner.page.locator('.claim-card .reviewer-claim-note').count()).toBe(1);
    expect(await owner.page.locator('.history-entry').textContent()).not.toContain(' by ');
    await screenshot(owner.page, 'publisher-claim-notes');
    expect(await visibleTextProblems(owner.page)).toEqual([]);
    expect([...errors, ...viewer.errors, ...owner.errors]).toEqual([]);
  });
});
