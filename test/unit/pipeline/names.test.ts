// The one rule for publisher ids and the one for draft file names (issue 11, item 8 and item 4).
import { describe, expect, it } from 'vitest';
import {
  DRAFT_NAME,
  DraftName,
  draftNameProblem,
  PUBLISHER_ID,
  PublisherId,
  publisherIdProblem,
} from '../../../shared/pipeline/names.js';

describe('publisher ids', () => {
  it.each(['acme', 'local', 'it-keys-0a1b2c3d', 'pub_2', '7', 'a'.repeat(PUBLISHER_ID.maxChars)])(
    'takes %s',
    (id) => {
      expect(publisherIdProblem(id)).toBeUndefined();
      expect(PublisherId.safeParse(id).success).toBe(true);
    },
  );

  it.each([
    ['', 'empty'],
    ['a'.repeat(PUBLISHER_ID.maxChars + 1), `at most ${PUBLISHER_ID.maxChars} characters`],
    // `#` separates the table's key parts: "a#b" + "c" and "a" + "b#c" would collide.
    ['ac#me', 'lower-case letters'],
    ['ac/me', 'lower-case letters'],
    ['Acme', 'lower-case letters'],
    ['ácme', 'lower-case letters'],
    ['-acme', 'starts with a letter or digit'],
    ['ac me', 'lower-case letters'],
    ['acme\n', 'lower-case letters'],
  ])('refuses %j: %s', (id, reason) => {
    expect(publisherIdProblem(id)).toContain(reason);
    const parsed = PublisherId.safeParse(id);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(publisherIdProblem(id));
  });
});

describe('draft file names', () => {
  it.each([
    'article.md',
    'Ünïcode draft #2.html',
    'notes..v2.md',
    '.hidden.md',
    'x'.repeat(DRAFT_NAME.maxBytes),
    // 66 three-byte characters: 198 bytes.
    '草'.repeat(66),
    'family 👨‍👩‍👧.md',
  ])('takes %j', (name) => {
    expect(draftNameProblem(name)).toBeUndefined();
    expect(DraftName.safeParse(name).success).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['x'.repeat(DRAFT_NAME.maxBytes + 1), `at most ${DRAFT_NAME.maxBytes} bytes in UTF-8 (this one has 201)`],
    // 200 characters, 600 bytes: what crashed the local emulator.
    ['草'.repeat(200), 'this one has 600'],
    ['.', 'cannot be "."'],
    ['..', 'cannot be ".."'],
    ['a/b.md', 'no "/"'],
    ['a\\b.md', 'no "/" or "\\"'],
    ['tab\there.md', 'control characters'],
    ['nul\u0000.md', 'control characters'],
    ['invoice\u202Etxt.exe', 'reverse or reorder'],
    ['\u2066isolate.md', 'reverse or reorder'],
    ['mark\u200F.md', 'reverse or reorder'],
    [' article.md', 'start or end with a space'],
    ['article.md ', 'start or end with a space'],
    ['article.md\u3000', 'start or end with a space'],
    ['lone\uD800.md', 'lone surrogate'],
  ])('refuses %j: %s', (name, reason) => {
    expect(draftNameProblem(name)).toContain(reason);
    const parsed = DraftName.safeParse(name);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(draftNameProblem(name));
  });
});
