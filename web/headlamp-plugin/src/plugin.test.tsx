// @vitest-environment jsdom
//
// The plugin's views against the real engine (the package's .wasm) and
// realistic Kubernetes objects (tests/data, as kubectl prints them), inside
// Headlamp's own code: its CommonComponents (SectionBox, NameValueTable,
// StatusLabel), its registry and Redux store, its MUI theme and i18n, from
// @kinvolk/headlamp-plugin's lib/. Only the Pods a view lists are given
// (Pod.useList would ask an API server; the end-to-end tests do that).
import '@kinvolk/headlamp-plugin/lib/i18n/config';
import '@kinvolk/headlamp-plugin/lib/plugin/Plugins';
import { lightTheme } from '@kinvolk/headlamp-plugin/lib/components/App/defaultAppThemes';
import { createMuiTheme } from '@kinvolk/headlamp-plugin/lib/lib/themes';
import store from '@kinvolk/headlamp-plugin/lib/redux/stores/store';
import { ThemeProvider } from '@mui/material/styles';
import { cleanup, render as rtlRender, screen, within } from '@testing-library/react';
import type { ReactElement, ReactNode } from 'react';
import { Provider } from 'react-redux';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { testData } from '../../lib/testing';
import type { KubeJson } from './provenance';

const registry = vi.hoisted(() => ({ pods: [] as KubeJson[] }));

vi.mock('@kinvolk/headlamp-plugin/lib', async importOriginal => {
  const real = await importOriginal<typeof import('@kinvolk/headlamp-plugin/lib')>();
  const Pod = { useList: () => [registry.pods.map(p => ({ jsonData: p })), null] };
  return {
    ...real,
    K8s: { ...real.K8s, ResourceClasses: { ...real.K8s.ResourceClasses, Pod } },
  };
});

const theme = createMuiTheme(lightTheme);

/** Renders inside Headlamp's store, theme and router, as a plugin's views are. */
function render(ui: ReactElement) {
  const Headlamp = ({ children }: { children: ReactNode }) => (
    <Provider store={store}>
      <ThemeProvider theme={theme}>
        <MemoryRouter>{children}</MemoryRouter>
      </ThemeProvider>
    </Provider>
  );
  return rtlRender(ui, { wrapper: Headlamp });
}

/** The SectionBox titled `title` (Headlamp's SectionHeader heading), as a scope. */
function sectionTitled(title: string): HTMLElement {
  const heading = screen.getByRole('heading', { name: title });
  const box = heading.closest('.MuiBox-root')?.parentElement?.closest('.MuiBox-root');
  if (!(box instanceof HTMLElement)) throw new Error(`no SectionBox around ${title}`);
  return box;
}

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
  it("registers the sections, the Pods column, and the providers page in Headlamp's store", async () => {
    await import('./index');
    const state = store.getState();
    expect(state.detailsViewSection.detailsViewSections.map(s => s.section)).toEqual([
      PodProvenanceSection,
      ProviderConfigSection,
    ]);
    expect(Object.keys(state.routes.routes)).toEqual(['/imprint/providers']);
    expect(Object.keys(state.sidebar.entries)).toContain('imprint-providers');
    const processors = state.resourceTable.tableColumnsProcessors;
    expect(processors.map(p => p.id)).toEqual(['imprint-pods-provenance']);
    const processor = processors[0].processor as unknown as (a: {
      id: string;
      columns: unknown[];
    }) => { id: string; label: string }[];
    const base = [{ id: 'name', label: 'Name' }];
    expect(processor({ id: 'headlamp-deployments', columns: base })).toBe(base);
    const cols = processor({ id: 'headlamp-pods', columns: base });
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
    const section = sectionTitled('Provenance');
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
    // Headlamp's StatusLabel (MUI), not a plain element.
    expect(within(section).getAllByTestId('imprint-channel')[0].className).toMatch(/Mui/);
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
  const section = () => sectionTitled('Provider version (imprint)');

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
