// What a person pastes, turned into the artifacts the engine checks.
//
// The engine reads JSON and YAML itself (`docker inspect`, OCI
// config/index, Kubernetes objects and lists, SLSA provenance and the
// combined name/config/provenance document: the `read` op), with the
// reader the CLI uses, so a manifest gives the same artifacts at the same
// lines in the page as in `imprint check`. This module only decides what
// kind of text it is and makes artifacts of the two plain-text kinds: image
// references and `status.version` strings.
import type { Answer, Artifact } from '@imprint/engine/web';

/** The kinds of input the page understands. */
export type InputKind = 'auto' | 'references' | 'json' | 'yaml' | 'status';

/** Human names of the input kinds, for the selector. */
export const INPUT_KINDS: Record<InputKind, string> = {
  auto: 'detect',
  references: 'image references, one per line',
  json: 'docker inspect / OCI / Kubernetes / SLSA provenance JSON',
  yaml: 'Kubernetes YAML',
  status: 'InferenceProviderConfig status.version, one per line',
};

/** The part of the engine this module needs. */
export interface Reader {
  read(text: string, file?: string | null): Answer;
}

/** The artifacts of an input, or why it could not be read. */
export type ParsedInput =
  | { ok: true; kind: Exclude<InputKind, 'auto'>; artifacts: Partial<Artifact>[] }
  | { ok: false; kind: Exclude<InputKind, 'auto'>; message: string; line?: number | null };

/** Which kind `text` is when the user did not say. */
export function detectKind(text: string): Exclude<InputKind, 'auto'> {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return 'json';
  if (/^\s*(apiVersion|kind)\s*:/m.test(text)) return 'yaml';
  if (/^\s*status\.version\s*[:=]/m.test(text)) return 'status';
  return 'references';
}

/** The meaningful lines of a plain-text input: trimmed, no blanks, no `#` comments. */
function lines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const t = all[i].trim();
    if (t !== '' && !t.startsWith('#')) out.push({ text: t, line: i + 1 });
  }
  return out;
}

/** One image artifact per line. */
export function referenceArtifacts(text: string): Partial<Artifact>[] {
  return lines(text).map(l => ({ kind: 'image', name: l.text, reference: l.text, line: l.line }));
}

/**
 * One `InferenceProviderConfig` object per line, as its `status.version`
 * (`vllm-provider:v0.3.0`, or `status.version: vllm-provider:v0.3.0`).
 */
export function statusArtifacts(text: string): Partial<Artifact>[] {
  return lines(text).map(l => {
    const version = l.text.replace(/^status\.version\s*[:=]\s*/, '').replace(/^"(.*)"$/, '$1');
    return {
      kind: 'object',
      name: `status.version ${version}`,
      fields: { 'k8s.kind': 'InferenceProviderConfig', 'status.version': version },
      line: l.line,
    };
  });
}

/** Reads `text` as `kind` (`auto`: detected) into artifacts. */
export function parseInput(
  text: string,
  kind: InputKind,
  engine: Reader,
  file: string | null = null
): ParsedInput {
  const k = kind === 'auto' ? detectKind(text) : kind;
  if (k === 'references') return { ok: true, kind: k, artifacts: referenceArtifacts(text) };
  if (k === 'status') return { ok: true, kind: k, artifacts: statusArtifacts(text) };
  const a = engine.read(text, file);
  if (a.type === 'artifacts') return { ok: true, kind: k, artifacts: a.artifacts };
  if (a.type === 'read_error') return { ok: false, kind: k, message: a.message, line: a.line };
  return { ok: false, kind: k, message: `unexpected answer ${a.type}` };
}
