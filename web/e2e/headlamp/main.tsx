// The thin shell around Headlamp's real frontend. @kinvolk/headlamp-plugin
// ships Headlamp's frontend source compiled to ES modules (lib/), all but
// the outer app: App.tsx, AppContainer, Layout and TopBar. This file stands
// in for those, following Headlamp's own (frontend/src/App.tsx,
// components/App/AppContainer.tsx, Layout.tsx): the Redux store, react-query,
// i18n and the MUI theme Headlamp builds, `/config` fetched into the store,
// Headlamp's plugin loader (<Plugins/>), its Sidebar, NavigationTabs and
// RouteSwitcher (routes under /c/<cluster>/… behind its access review).
//
// These are internal modules of the package, not its plugin API: pinned
// with the exact @kinvolk/headlamp-plugin version in web/package.json, and
// to be re-checked on every upgrade.
//
// Import order as in Headlamp's App.tsx and AppContainer.tsx: i18n first,
// then the plugin loader (plugin/Plugins → plugin/index, which builds
// window.pluginLib). Headlamp's modules import each other in cycles
// (lib/k8s/index ⇄ KubeObject ⇄ the resource classes); entered elsewhere,
// a class extends a KubeObject not yet initialized.
import '@kinvolk/headlamp-plugin/lib/i18n/config';
import '@kinvolk/headlamp-plugin/lib/plugin/Plugins';
import { addAPIProvider } from '@iconify/react';
import RouteSwitcher, {
  PreviousRouteProvider,
} from '@kinvolk/headlamp-plugin/lib/components/App/RouteSwitcher';
import { useCurrentAppTheme } from '@kinvolk/headlamp-plugin/lib/components/App/themeSlice';
import ErrorBoundary from '@kinvolk/headlamp-plugin/lib/components/common/ErrorBoundary';
import ErrorPage from '@kinvolk/headlamp-plugin/lib/components/common/ErrorPage';
import Sidebar, { NavigationTabs } from '@kinvolk/headlamp-plugin/lib/components/Sidebar';
import { getAppUrl } from '@kinvolk/headlamp-plugin/lib/helpers/getAppUrl';
import i18n from '@kinvolk/headlamp-plugin/lib/i18n/config';
import { request } from '@kinvolk/headlamp-plugin/lib/lib/k8s/api/v1/clusterRequests';
import { queryClient } from '@kinvolk/headlamp-plugin/lib/lib/queryClient';
import { setStore } from '@kinvolk/headlamp-plugin/lib/lib/router/createRouteURL';
import { createMuiTheme } from '@kinvolk/headlamp-plugin/lib/lib/themes';
import Plugins from '@kinvolk/headlamp-plugin/lib/plugin/Plugins';
import { setConfig } from '@kinvolk/headlamp-plugin/lib/redux/configSlice';
import { useTypedSelector } from '@kinvolk/headlamp-plugin/lib/redux/hooks';
import store from '@kinvolk/headlamp-plugin/lib/redux/stores/store';
import { Box, Container, CssBaseline } from '@mui/material';
import { ThemeProvider } from '@mui/material/styles';
import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import { SnackbarProvider } from 'notistack';
import { type PropsWithChildren, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { Provider, useDispatch } from 'react-redux';
import { BrowserRouter } from 'react-router-dom';

// Icons come from the backend stand-in (an Iconify API over the mdi set
// in node_modules), never from api.iconify.design.
addAPIProvider('', { resources: [`${window.location.origin}/iconify`] });
setStore(store);

function Themed({ children }: PropsWithChildren) {
  const current = useCurrentAppTheme();
  const theme = useMemo(() => createMuiTheme(current), [current]);
  return (
    <I18nextProvider i18n={i18n}>
      <ThemeProvider theme={theme}>{children}</ThemeProvider>
    </I18nextProvider>
  );
}

type ClusterConf = { name: string; [k: string]: unknown };

/** Headlamp's Layout, reduced: /config into the store, the sidebar and the routes. */
function Layout() {
  const dispatch = useDispatch();
  const loaded = useTypedSelector(s => s.plugins.loaded);
  const { error } = useQuery({
    queryKey: ['cluster-fetch'],
    queryFn: () =>
      request('/config', {}, false, false).then((config: { clusters: ClusterConf[] }) => {
        const clusters: Record<string, ClusterConf> = {};
        for (const c of config.clusters) clusters[c.name] = c;
        dispatch(setConfig({ ...config, clusters }));
        return config;
      }),
  });
  if (error) return <ErrorPage message="Failed to connect to the backend" error={error} />;
  return (
    <Box sx={{ display: 'flex', height: '100dvh' }}>
      <CssBaseline enableColorScheme />
      <Sidebar />
      <Box component="main" id="main" sx={{ flexGrow: 1, overflow: 'auto' }}>
        <Container maxWidth="xl">
          <NavigationTabs />
          {loaded && <RouteSwitcher requiresToken={() => false} />}
        </Container>
      </Box>
    </Box>
  );
}

function App() {
  return (
    <ErrorBoundary fallback={<ErrorPage />}>
      <Provider store={store}>
        <QueryClientProvider client={queryClient}>
          <Themed>
            <SnackbarProvider>
              <BrowserRouter>
                <PreviousRouteProvider>
                  <Plugins />
                  <Layout />
                </PreviousRouteProvider>
              </BrowserRouter>
            </SnackbarProvider>
          </Themed>
        </QueryClientProvider>
      </Provider>
    </ErrorBoundary>
  );
}

// Headlamp's app URL is this page's origin (not Electron): the backend stand-in.
console.debug('Headlamp app URL', getAppUrl());
const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
