// imprint for Headlamp: the provenance of running images, checked by the
// same engine (the same .wasm) CI runs.
//
// - Pod details: a "Provenance" section, one card per container, init
//   container and ephemeral container, with the policy's findings.
// - Pods list: a "Provenance" column, the channel of the main container.
// - InferenceProviderConfig (airunway.ai, cluster-scoped): status.version
//   against the provider image that is running, with the `airunway`
//   policy, on the object's details page where Headlamp renders plugin
//   sections, and on this plugin's own "Provider versions" page (Headlamp
//   0.14's generic custom-resource page does not render plugin sections).
import {
  registerDetailsViewSection,
  registerResourceTableColumnsProcessor,
  registerRoute,
  registerSidebarEntry,
} from '@kinvolk/headlamp-plugin/lib';
import { SectionBox } from '@kinvolk/headlamp-plugin/lib/CommonComponents';
import { makeCustomResourceClass } from '@kinvolk/headlamp-plugin/lib/Crd';
import {
  PodChannelCell,
  PodProvenanceSection,
  ProviderConfig,
  ProviderConfigSection,
  useEngine,
} from './components';
import { engineReady } from './engine';
import { type KubeJson, mainCard } from './provenance';

registerDetailsViewSection(PodProvenanceSection);
registerDetailsViewSection(ProviderConfigSection);

registerResourceTableColumnsProcessor({
  id: 'imprint-pods-provenance',
  processor: ({ id, columns }) => {
    if (id !== 'headlamp-pods') return columns;
    return [
      ...columns,
      {
        id: 'imprint-provenance',
        label: 'Provenance',
        gridTemplate: 'min-content',
        // What the badge shows, so that sorting and Headlamp's table
        // search go by the text on screen.
        getValue: (pod: { jsonData: KubeJson }) => {
          const card = engineReady() ? mainCard(pod.jsonData) : null;
          return card ? card.channel ?? 'unknown' : '';
        },
        render: (pod: { jsonData: KubeJson }) => <PodChannelCell pod={pod.jsonData} />,
      },
    ] as typeof columns;
  },
});

const InferenceProviderConfig = makeCustomResourceClass({
  apiInfo: [{ group: 'airunway.ai', version: 'v1alpha1' }],
  kind: 'InferenceProviderConfig',
  pluralName: 'inferenceproviderconfigs',
  singularName: 'inferenceproviderconfig',
  isNamespaced: false,
});

function ProvidersPage() {
  const { ready, error } = useEngine();
  const [items, listError] = InferenceProviderConfig.useList();
  return (
    <SectionBox title="Provider versions (imprint)">
      {error ? (
        <p>{error}</p>
      ) : listError ? (
        <p>InferenceProviderConfigs could not be listed: {String(listError)}</p>
      ) : !ready || !items ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p>No InferenceProviderConfig in this cluster.</p>
      ) : (
        items.map(ipc => (
          <div key={ipc.getName()} data-testid="imprint-provider-section" data-name={ipc.getName()}>
            <SectionBox title={ipc.getName()}>
              <ProviderConfig ipc={ipc.jsonData as KubeJson} />
            </SectionBox>
          </div>
        ))
      )}
    </SectionBox>
  );
}

registerSidebarEntry({
  parent: null,
  name: 'imprint-providers',
  label: 'Provider versions',
  url: '/imprint/providers',
  icon: 'mdi:shield-check-outline',
});

registerRoute({
  path: '/imprint/providers',
  sidebar: 'imprint-providers',
  name: 'imprint-providers',
  exact: true,
  component: () => <ProvidersPage />,
});
