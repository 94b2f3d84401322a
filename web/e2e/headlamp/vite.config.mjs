// Headlamp's real frontend (the ES modules @kinvolk/headlamp-plugin ships in
// lib/) built into a page, with a thin shell (main.tsx) in place of
// Headlamp's App/Layout/TopBar, which the package does not ship. Set up as
// Headlamp's own frontend/vite.config.ts: svgr for its `?react` icons, the
// no node polyfills (nothing on this path needs them), `global` as globalThis.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * Headlamp loads its translations with
 * import(`./locales/${lng}/${ns}.json?import=default`), which Vite does not
 * bundle from node_modules; the same modules, through import.meta.glob.
 */
function headlampLocales() {
  const call = 'import(`./locales/${language.toLowerCase()}/${namespace}.json?import=default`)';
  return {
    name: 'headlamp-locales',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('/headlamp-plugin/lib/i18n/config.js')) return null;
      if (!code.includes(call)) {
        throw new Error('headlamp-locales: lib/i18n/config.js no longer loads locales as expected');
      }
      return (
        "const headlampLocales = import.meta.glob('./locales/*/*.json');\n" +
        code.replace(
          call,
          '(headlampLocales[`./locales/${language.toLowerCase()}/${namespace}.json`] ?? (() => Promise.reject(new Error(`no locale ${language}/${namespace}`))))()'
        )
      );
    },
  };
}
import svgr from 'vite-plugin-svgr';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  define: { global: 'globalThis' },
  envPrefix: 'REACT_APP_',
  logLevel: 'warn',
  plugins: [headlampLocales(), svgr({ svgrOptions: { titleProp: true, ref: true } }), react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    minify: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 20000,
    commonjsOptions: { transformMixedEsModules: true },
  },
});
