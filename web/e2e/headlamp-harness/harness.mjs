// A minimal stand-in for Headlamp's plugin runtime: `window.pluginLib` with
// the registry functions and components the plugin uses, plain-element
// components in place of Headlamp's MUI ones, and fixed Kubernetes objects.
// The plugin's built main.js is fetched and run with `new Function`, as
// Headlamp's runPlugin does (so `document.currentScript` is null).
const React = window.React;
const h = React.createElement;
const registry = { sections: [], processors: [], routes: [], sidebar: [] };
const fixtures = await (await fetch('/fixtures.json')).json();

const jsx = (type, props, key) => h(type, key === undefined ? props : { ...props, key });
window.pluginLib = {
  React,
  ReactJSX: { jsx, jsxs: jsx, Fragment: React.Fragment },
  registerDetailsViewSection: s => registry.sections.push(s),
  registerResourceTableColumnsProcessor: p => registry.processors.push(p),
  registerRoute: r => registry.routes.push(r),
  registerSidebarEntry: e => registry.sidebar.push(e),
  K8s: {
    ResourceClasses: { Pod: { useList: () => [fixtures.pods.map(p => ({ jsonData: p })), null] } },
  },
  Crd: {
    makeCustomResourceClass: () => ({
      useList: () => [
        fixtures.ipcs.map(i => ({ jsonData: i, getName: () => i.metadata.name })),
        null,
      ],
    }),
  },
  CommonComponents: {
    SectionBox: ({ title, children }) =>
      h('section', { className: 'box', 'aria-label': title }, h('h2', null, title), children),
    NameValueTable: ({ rows }) =>
      h(
        'dl',
        { className: 'nv' },
        rows
          .filter(r => !r.hide)
          .flatMap(r => [
            h('dt', { key: `n${r.name}` }, r.name),
            h('dd', { key: `v${r.name}` }, r.value),
          ])
      ),
    StatusLabel: ({ status, children, ...rest }) =>
      h('span', { ...rest, className: `status status-${status}` }, children),
  },
};

// Headlamp's loader: the plugin list, each plugin's package.json (run only
// when it declares a compatible @kinvolk/headlamp-plugin), then its main.js
// with the sourceURL Headlamp appends.
const compatible = v => {
  const [major, minor] = String(v ?? '')
    .replace(/^[^0-9]*/, '')
    .split('.')
    .map(Number);
  return major > 0 || (major === 0 && minor >= 8);
};
for (const entry of await (await fetch('/plugins')).json()) {
  const pkg = await (await fetch(`/${entry.path}/package.json`)).json();
  if (!compatible(pkg.devDependencies?.['@kinvolk/headlamp-plugin'])) {
    throw new Error(
      `${entry.path}: incompatible plugin (devDependencies["@kinvolk/headlamp-plugin"])`
    );
  }
  const source = await (await fetch(`/${entry.path}/main.js`)).text();
  new Function(`${source}\n//# sourceURL=//${entry.path}/dist/main.js`)();
}

// The Pods list with the plugin's column.
const [processor] = registry.processors;
const columns = processor.processor({
  id: 'headlamp-pods',
  columns: [{ id: 'name', label: 'Name', getValue: p => p.jsonData.metadata.name }],
});
const podRows = fixtures.pods.map(p => ({ jsonData: p }));
function PodsTable() {
  return h(
    'table',
    { 'data-testid': 'pods-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map(c => h('th', { key: c.id }, c.label))
      )
    ),
    h(
      'tbody',
      null,
      podRows.map(p =>
        h(
          'tr',
          { key: p.jsonData.metadata.name },
          columns.map(c => h('td', { key: c.id }, c.render ? c.render(p) : c.getValue(p)))
        )
      )
    )
  );
}
ReactDOM.createRoot(document.getElementById('pods')).render(h(PodsTable));

// The details views: every registered section, given the object.
const details = resource =>
  h(
    React.Fragment,
    null,
    registry.sections.map((S, i) => h(S, { key: i, resource }))
  );
const pod = fixtures.pods[fixtures.detailsPod];
ReactDOM.createRoot(document.getElementById('pod-details')).render(
  details({ kind: 'Pod', jsonData: pod })
);
ReactDOM.createRoot(document.getElementById('ipc-details')).render(
  details({ kind: 'InferenceProviderConfig', jsonData: fixtures.ipcs[0] })
);
// The plugin's own page (its registered route).
ReactDOM.createRoot(document.getElementById('providers')).render(h(registry.routes[0].component));
window.harness = { registry };
document.body.dataset.ready = 'true';
