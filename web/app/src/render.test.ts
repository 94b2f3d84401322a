// The card of pasted SLSA provenance (issue 17): the combined document read
// by the engine, carded by the default policy, rendered with its record.
import type { Answer } from '@imprint/engine/web';
import * as engine from '@imprint/engine/web';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInput } from '../../lib/input';
import { startTestEngine, testData } from '../../lib/testing';
import { card } from './render';

beforeAll(startTestEngine);

const RECORDED = '4fd60a300d9b30291020e757c306dfa0b5419f08';
const ANOTHER = '0123456789abcdef0123456789abcdef01234567';

/** The rendered card of the real BuildKit record in the combined document. */
function rendered(text: string): string {
  const r = parseInput(text, 'auto', engine);
  if (!r.ok) throw new Error(r.message);
  const a = engine.cards('default', r.artifacts, undefined) as Answer;
  if (a.type !== 'cards') throw new Error(a.type);
  expect(a.cards).toHaveLength(1);
  return card(a.cards[0], 0, false);
}

describe('pasted provenance', () => {
  const combined = testData('provenance/security-scan.combined.json');
  it('shows the record and that the labels agree with it', () => {
    const html = rendered(combined);
    expect(html).toContain(`data-testid="provenance-revision">${RECORDED}</span>`);
    expect(html).toContain('client hint, not verified by BuildKit');
    expect(html).toContain('agrees with commit');
    expect(html).toContain('agrees with source');
    expect(html).not.toContain('provenance-disagrees');
  });
  it('shows a label stating another commit disagreeing, with the warning naming both', () => {
    const html = rendered(
      combined.replace(`image.revision": "${RECORDED}"`, `image.revision": "${ANOTHER}"`)
    );
    expect(html).toContain(
      '<span class="disagrees" data-testid="provenance-disagrees">disagrees with commit</span>'
    );
    expect(html).toContain('data-rule="revision-agrees-with-client"');
    expect(html).toContain(
      `= \`${ANOTHER}\` does not agree with \`field:provenance.hint.revision\` = \`${RECORDED}\``
    );
  });
});
