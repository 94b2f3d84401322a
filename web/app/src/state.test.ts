import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, INITIAL, keyValues } from './state';

describe('the URL keeps the state', () => {
  it('round-trips a shared card', async () => {
    const state = {
      ...INITIAL,
      policy: 'vllm',
      input: 'vllm/vllm-openai:v0.20.0\nNot A Ref',
      focus: 1,
      page: 0,
      tab: 'cards' as const,
    };
    const hash = await encodeState(state);
    expect(hash).toMatch(/^#v1\.[A-Za-z0-9_-]+$/);
    expect(await decodeState(hash)).toEqual(state);
  });
  it('round-trips a custom policy and a derive context', async () => {
    const state = {
      ...INITIAL,
      tab: 'derive' as const,
      policy: 'custom',
      policyText: '{"name": "p"}',
      env: 'A=1\nB==2',
      arch: 'aarch64',
    };
    expect(await decodeState(await encodeState(state))).toEqual(state);
  });
  it('keeps 10,000 references in a link of reasonable length', async () => {
    const input = Array.from({ length: 10000 }, (_, i) => `ghcr.io/org/app:v1.${i}.0`).join('\n');
    const hash = await encodeState({ ...INITIAL, input });
    expect(hash.length).toBeLessThan(input.length / 4);
    expect((await decodeState(hash)).input).toBe(input);
  });
  it('keeps only values the page knows from a hand-edited link', async () => {
    const odd = await encodeState({
      ...INITIAL,
      tab: 'x' as never,
      kind: 'bogus' as never,
      page: -3,
      focus: 1.5,
      input: 'a',
    });
    expect(await decodeState(odd)).toEqual({ ...INITIAL, input: 'a' });
  });
  it('ignores a hash it did not write, or a damaged one', async () => {
    expect(await decodeState('#section-2')).toEqual(INITIAL);
    expect(await decodeState('#v1.AAAA')).toEqual(INITIAL);
    expect(await decodeState('#v1.!!')).toEqual(INITIAL);
  });
});

describe('key=value lines', () => {
  it('splits at the first =, keeps empty values, skips blanks and comments', () => {
    expect(keyValues('A=1\n\n# note\nB==2\nDIRTY=\nbare\r\n')).toEqual({
      A: '1',
      B: '=2',
      DIRTY: '',
      bare: '',
    });
  });
});
