// @vitest-environment jsdom
//
// The plugin's views against the real engine (the package's .wasm) and
// realistic Kubernetes objects (tests/data, as kubectl prints them).
// Headlamp itself is not here: its components are stood in for by plain
// elements that render what they are given, and its registry records.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { testData } from '../../lib/testing';
import type { KubeJson } from './provenance';

const registry = vi.hoisted(() => ({
  sections: [] as unknown[],
  processors: [] as {
    id: string;
    processor: (a: { id: string; columns: unknown[] }) => unknown[];
  }[],
  routes: [] as { path: string }[],
  sidebar: [] as { name: string }[],
  pods: [] as KubeJson[],
}));

vi.mock('@kinvolk/headlamp-plugin/lib', () => ({
  registerDetailsViewSection: (s: unknown) => registry.sections.push(s),
  registerResourceTableColumnsProcessor: (p: (typeof registry.processors)[0]) =>
    registry.processors.push(p),
  registerRoute: (r: { path: string }) => registry.routes.push(r),
  registerSidebarEntry: (e: { name: string }) => registry.sidebar.push(e),
  K8s: {
    ResourceClasses: { Pod: { useList: () => [registry.pods.map(p => ({ jsonData: p })), null] } },
  },
}));
vi.mock('@kinvolk/headlamp-plugin/lib/Crd', () => ({
  makeCustomResourceClass: () => ({ useList: () => [[], null] }),
}));
vi.mock('@kinvolk/headlamp-plugin/lib/CommonComponents', () => ({
  SectionBox: ({ title, children }: { title: string; children: unknown }) => (
    <section aria-label={title}>
      <h2>{title}</h2>
      {children as never}
    </section>
  ),
  NameValueTable: ({ rows }: { rows: { name: string; value: unknown; hide?: boolean }[] }) => (
    <dl>
      {rows
        .filter(r => !r.hide)
        .map(r => [
          <dt key={`n${r.name}`}>{r.name}</dt>,
          <dd key={`v${r.name}`}>{r.value as never}</dd>,
        ])}
    </dl>
  ),
  StatusLabel: ({ status, children, ...rest }: { status: string; children: unknown }) => (
    <span data-status={status} {...rest}>
      {children as never}
    </span>
  ),
}));

const { PodProvenanceSection, ProviderConfigSection, PodChannelCell } = await import(
  './components'
);
const { startEngine, engineReady, pluginPathFromStack, wasmUrl } = await import('./engine');

const pods = JSON.parse(testData('kubectl-pods.json')).items as KubeJson[];
const buyer = pods.find(p => p.metadata?.name?.startsWith('x402-buyer'))!;
const escrow = pods.find(p => p.metadata?.name === 'x402-escrow-0')!;
const ipc = parse(testData('inference-provider-config.yaml')) as KubeJson;

/** A provider pod as the AIRunway controller runs it (image tag = SHIM_VERSION, reference (c)). */
function providerPod(image: string): KubeJson {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'vllm-provider-7d9f8c6b5-k2x4p',
      namespace: 'airunway-system',
      labels: { app: 'vllm-provider' },
    },
    spec: { containers: [{ name: 'provider', image }] },
    status: { phase: 'Running' },
  };
}

function withAnnotations(pod: KubeJson, annotations: Record<string, string>): KubeJson {
  return { ...pod, metadata: { ...pod.metadata, annotations } };
}

function withImage(pod: KubeJson, container: string, image: string): KubeJson {
  const spec = pod.spec as { containers: { name: string; image: string }[] };
  return {
    ...pod,
    spec: {
      ...spec,
      containers: spec.containers.map(c => (c.name === container ? { ...c, image } : c)),
    },
  };
}

// The views render at once only when the engine module says it is ready,
// as after ensureEngine() in Headlamp.
beforeAll(async () => {
  const { readFileSync } = await import('node:fs');
  const { WASM_PATH } = await import('../../lib/testing');
  await startEngine(readFileSync(WASM_PATH));
});
afterEach(cleanup);

describe('registration', () => {
  it('registers the sections, the Pods column, and the providers page', async () => {
    await import('./index');
    expect(registry.sections).toEqual([PodProvenanceSection, ProviderConfigSection]);
    expect(registry.routes.map(r => r.path)).toEqual(['/imprint/providers']);
    const p = registry.processors[0];
    const base = [{ id: 'name' }];
    expect(p.processor({ id: 'headlamp-deployments', columns: base })).toBe(base);
    const cols = p.processor({ id: 'headlamp-pods', columns: base }) as {
      id: string;
      label: string;
      getValue: (x: unknown) => string;
    }[];
    expect(cols.map(c => c.id)).toEqual(['name', 'imprint-provenance']);
    expect(cols[1].label).toBe('Provenance');
  });
});

describe('the engine loader', () => {
  it('is ready once the module is instantiated', () => {
    expect(engineReady()).toBe(true);
  });

  it("finds the plugin's folder from the sourceURL Headlamp gives its code", () => {
    // runPlugin.js appends `//# sourceURL=//${pluginPath}/dist/main.js`; V8 names the frames so.
    const stack = [
      'Error',
      '    at wasmUrl (//plugins/imprint/dist/main.js:1:2040)',
      '    at http://localhost:4466/static/js/main.js:2:100',
    ].join('\n');
    expect(pluginPathFromStack(stack)).toBe('plugins/imprint');
    expect(pluginPathFromStack('at f (//user-plugins/my-imprint/dist/main.js:3:4)')).toBe(
      'user-plugins/my-imprint'
    );
    expect(pluginPathFromStack('at f (http://x/static/js/main.js:1:1)')).toBeNull();
  });

  it("falls back to Headlamp's plugin list, and says so when it is not there", async () => {
    const list = (entries: unknown) => async () => new Response(JSON.stringify(entries));
    const here = 'at f (http://x/static/js/main.js:1:1)';
    await expect(
      wasmUrl(
        'http://h/',
        list([{ path: 'static-plugins/imprint-headlamp-plugin', name: 'imprint-headlamp-plugin' }]),
        here
      )
    ).resolves.toBe('http://h/static-plugins/imprint-headlamp-plugin/imprint_bg.wasm');
    await expect(
      wasmUrl('http://h/', list([{ path: 'plugins/other', name: 'other' }]), here)
    ).rejects.toThrow(/not in Headlamp's plugin list/);
    await expect(
      wasmUrl('http://h/', async () => new Response('', { status: 500 }), here)
    ).rejects.toThrow(/answered 500/);
  });
});

describe('Pod details: Provenance', () => {
  it('shows a card for every container and init container, with the policy the Pod names', () => {
    const pod = withAnnotations(buyer, { 'imprint.dev/policy': 'obol-stack' });
    render(<PodProvenanceSection resource={{ kind: 'Pod', jsonData: pod }} />);
    const section = screen.getByRole('region', { name: 'Provenance' });
    expect(within(section).getByTestId('imprint-pod').dataset.policy).toBe('obol-stack');
    const cards = within(section).getAllByTestId('imprint-card');
    // kubectl-pods.json: the buyer pod has one init container and one
    // container; the engine lists init containers first (they run first).
    expect(cards.map(c => c.dataset.artifact)).toEqual([
      'Pod/x402/x402-buyer-6c9d8f7b5-q2w7x init container wait-for-verifier',
      'Pod/x402/x402-buyer-6c9d8f7b5-q2w7x container buyer',
    ]);
    // dev-<12 hex> tags are obol's dev channel (reference (b)); nothing is wrong with them.
    expect(
      within(section)
        .getAllByTestId('imprint-channel')
        .map(b => b.textContent)
    ).toEqual(['dev', 'dev']);
    expect(within(section).getAllByTestId('imprint-no-findings')).toHaveLength(2);
  });

  it('shows the error of a shared :latest dev tag (the obol-stack bug), errors first', () => {
    const pod = withAnnotations(
      withImage(buyer, 'buyer', 'ghcr.io/obolnetwork/x402-buyer:latest'),
      { 'imprint.dev/policy': 'obol-stack' }
    );
    render(<PodProvenanceSection resource={{ kind: 'Pod', jsonData: pod }} />);
    const card = screen
      .getAllByTestId('imprint-card')
      .find(c => c.dataset.artifact?.endsWith(' container buyer'))!;
    expect(within(card).getByTestId('imprint-channel').textContent).toBe('latest');
    expect(within(card).getByTestId('imprint-channel').dataset.status).toBe('error');
    const findings = within(card).getAllByTestId('imprint-finding');
    expect(findings[0].dataset.rule).toBe('obol-no-shared-latest');
    expect(findings.map(f => f.dataset.severity)).toEqual(
      [...findings.map(f => f.dataset.severity)].sort()
    );
  });

  it('uses the default policy when the Pod names none (or an unknown one)', () => {
    render(
      <PodProvenanceSection
        resource={{
          kind: 'Pod',
          jsonData: withAnnotations(escrow, { 'imprint.dev/policy': 'nope' }),
        }}
      />
    );
    expect(screen.getByTestId('imprint-pod').dataset.policy).toBe('default');
    // Both escrow containers are pinned by tag and digest: the card shows the digest.
    expect(screen.getAllByTestId('imprint-reference')[0].textContent).toMatch(/@sha256:8f2d6a4c/);
  });

  it('renders nothing on other kinds', () => {
    const { container } = render(
      <PodProvenanceSection resource={{ kind: 'Deployment', jsonData: buyer }} />
    );
    expect(container.innerHTML).toBe('');
  });
});

describe('Pods list: the channel column', () => {
  it("shows the main container's channel: the default-container annotation, else the first app container", () => {
    const two = {
      ...buyer,
      metadata: { ...buyer.metadata, annotations: { 'imprint.dev/policy': 'obol-stack' } },
      spec: {
        ...(buyer.spec as object),
        containers: [
          { name: 'buyer', image: 'ghcr.io/obolnetwork/x402-buyer:dev-0123456789ab' },
          { name: 'sidecar', image: 'ghcr.io/obolnetwork/x402-buyer:v1.2.3' },
        ],
      },
    } as KubeJson;
    render(<PodChannelCell pod={two} />);
    expect(screen.getByTestId('imprint-channel').textContent).toBe('dev');
    cleanup();
    const annotated = withAnnotations(two, {
      'imprint.dev/policy': 'obol-stack',
      'kubectl.kubernetes.io/default-container': 'sidecar',
    });
    render(<PodChannelCell pod={annotated} />);
    expect(screen.getByTestId('imprint-channel').textContent).toBe('release');
  });
});

describe('InferenceProviderConfig: status.version against the running provider image', () => {
  const section = () => screen.getByRole('region', { name: 'Provider version (imprint)' });

  it('agrees when the provider runs the image its status names', () => {
    registry.pods = [...pods, providerPod('ghcr.io/kaito-project/airunway/vllm-provider:v0.3.0')];
    render(<ProviderConfigSection resource={{ kind: 'InferenceProviderConfig', jsonData: ipc }} />);
    expect(within(section()).getByTestId('imprint-status-version').textContent).toBe(
      'vllm-provider:v0.3.0'
    );
    expect(within(section()).getByTestId('imprint-running').textContent).toBe(
      'ghcr.io/kaito-project/airunway/vllm-provider:v0.3.0'
    );
    expect(within(section()).getByTestId('imprint-no-findings')).toBeTruthy();
  });

  it("flags a stale status.version (the seed's hard-coded constant) against a newer running image", () => {
    registry.pods = [providerPod('ghcr.io/kaito-project/airunway/vllm-provider:v0.4.0')];
    render(<ProviderConfigSection resource={{ kind: 'InferenceProviderConfig', jsonData: ipc }} />);
    const findings = within(section()).getAllByTestId('imprint-finding');
    expect(findings.map(f => f.dataset.rule)).toEqual(['airunway-status-matches-image']);
    expect(findings[0].textContent).toContain('vllm-provider:v0.4.0');
  });

  it("still checks the status's shape when no provider image runs", () => {
    registry.pods = [...pods];
    const dev = { ...ipc, status: { ...(ipc.status as object), version: 'vllm-provider:dev' } };
    render(<ProviderConfigSection resource={{ kind: 'InferenceProviderConfig', jsonData: dev }} />);
    expect(within(section()).getByTestId('imprint-no-running')).toBeTruthy();
    expect(
      within(section())
        .getAllByTestId('imprint-finding')
        .map(f => f.dataset.rule)
    ).toEqual(['airunway-status-version']);
  });
});
