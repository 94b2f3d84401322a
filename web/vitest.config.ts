import { resolve } from 'node:path';
import svgr from 'vite-plugin-svgr';
import { defineConfig } from 'vitest/config';

// Unit and component tests of the page and the plugin, against the real
// engine (wasm/pkg, built by wasm/build.sh). Component files opt into
// jsdom with a `@vitest-environment jsdom` comment. The plugin's component
// tests run Headlamp's own frontend code from @kinvolk/headlamp-plugin's
// lib/ (inlined, so its `.svg?react` icons go through svgr as in Headlamp's
// build); monaco-editor, which Headlamp's plugin library imports but these
// views never render, has no entry Node can load and is stubbed.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  plugins: [svgr()],
  resolve: {
    alias: { 'monaco-editor': resolve(import.meta.dirname, 'headlamp-plugin/test/monaco-stub.ts') },
  },
  test: {
    include: ['lib/**/*.test.ts', 'app/src/**/*.test.ts', 'headlamp-plugin/src/**/*.test.{ts,tsx}'],
    environment: 'node',
    env: { UNDER_TEST: 'true' },
    server: { deps: { inline: [/@kinvolk\/headlamp-plugin/] } },
  },
});
