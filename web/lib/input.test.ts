import * as engine from '@imprint/engine/web';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectKind, parseInput, referenceArtifacts, statusArtifacts } from './input';
import { startTestEngine, testData } from './testing';

beforeAll(startTestEngine);

describe('detectKind', () => {
  it('tells the kinds apart', () => {
    expect(detectKind('vllm/vllm-openai:v0.20.0\n')).toBe('references');
    expect(detectKind('  [\n {"Id": "sha256:1"}]')).toBe('json');
    expect(detectKind('{}')).toBe('json');
    expect(detectKind('---\napiVersion: v1\nkind: Pod\n')).toBe('yaml');
    expect(detectKind('status.version: vllm-provider:v0.3.0')).toBe('status');
  });
});

describe('plain text', () => {
  it('makes one image per meaningful line, keeping line numbers', () => {
    const a = referenceArtifacts('# pasted\n\n  ghcr.io/o/a:v1  \nNot A Ref\n');
    expect(a).toEqual([
      { kind: 'image', name: 'ghcr.io/o/a:v1', reference: 'ghcr.io/o/a:v1', line: 3 },
      { kind: 'image', name: 'Not A Ref', reference: 'Not A Ref', line: 4 },
    ]);
  });
  it('reads status.version lines with or without the key', () => {
    const a = statusArtifacts('vllm-provider:v0.3.0\nstatus.version: "kaito-provider:dev"');
    expect(a.map(x => x.fields?.['status.version'])).toEqual([
      'vllm-provider:v0.3.0',
      'kaito-provider:dev',
    ]);
    expect(a[0].fields?.['k8s.kind']).toBe('InferenceProviderConfig');
  });
});

describe('through the engine', () => {
  it('reads docker inspect output', () => {
    const r = parseInput(testData('docker-inspect-vllm.json'), 'auto', engine);
    expect(r.ok && r.kind).toBe('json');
    if (!r.ok) return;
    expect(r.artifacts).toHaveLength(1);
    expect(r.artifacts[0].reference).toBe('vllm/vllm-openai:v0.20.0');
    expect(r.artifacts[0].labels?.['ai.vllm.build.commit']).toMatch(/^3f1a4bb6/);
  });
  it('reads a multi-document YAML stream as one list (the ConfigMap gives nothing)', () => {
    const r = parseInput(testData('manifests-obol.yaml'), 'auto', engine);
    expect(r.ok && r.kind).toBe('yaml');
    if (!r.ok) return;
    // Deployment: init + container; StatefulSet: init + container; CronJob: container.
    expect(r.artifacts.map(a => a.kind)).toEqual(Array(5).fill('container'));
    // manifests-obol.yaml: namespace x402 (line 9), init container wait-for-verifier (line 25).
    expect(r.artifacts[0].name).toBe('Deployment/x402/x402-buyer init container wait-for-verifier');
  });
  it("reads an InferenceProviderConfig's status.version", () => {
    const r = parseInput(testData('inference-provider-config.yaml'), 'yaml', engine);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.artifacts[0].fields?.['status.version']).toBe('vllm-provider:v0.3.0');
  });
  it('says where JSON is broken', () => {
    const r = parseInput('[\n {"Id": }\n]', 'json', engine);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(/invalid JSON/);
    expect(r.line).toBe(2);
  });
  it('says where YAML is broken', () => {
    // A key given twice: YAML 1.2 says keys are unique; the second `a` is on line 3.
    const r = parseInput('kind: Pod\nb: 2\nkind: Job\n', 'yaml', engine);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(/^invalid YAML: duplicated key/);
    expect(r.line).toBe(3);
  });
  it('resolves merge keys as kubectl and the CLI do, at the lines the CLI gives', () => {
    // Issue 11: a manifest that deploys :latest through a merge key must not read as clean.
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p}',
      'base: &b {image: app:latest, name: x}',
      'spec:',
      '  containers:',
      '  - <<: *b',
      '    name: web',
    ].join('\n');
    const r = parseInput(text, 'yaml', engine);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.artifacts.map(a => [a.name, a.reference, a.line])).toEqual([
      ['Pod/p container web', 'app:latest', 7],
    ]);
  });
  it('refuses an alias bomb instead of expanding it', () => {
    // Nine levels of ten aliases each: 10^9 nodes if expanded.
    const names = 'abcdefghi';
    const bomb = [`a: &a [${Array(10).fill('x').join(', ')}]`];
    for (let i = 1; i < names.length; i++)
      bomb.push(
        `${names[i]}: &${names[i]} [${Array(10)
          .fill(`*${names[i - 1]}`)
          .join(', ')}]`
      );
    const r = parseInput(bomb.join('\n'), 'yaml', engine);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toMatch(/alias/i);
  });
});
