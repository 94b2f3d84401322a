import { defineConfig } from 'vitest/config';

// Unit and component tests of the page and the plugin, against the real
// engine (wasm/pkg, built by wasm/build.sh). Component files opt into
// jsdom with a `@vitest-environment jsdom` comment.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['lib/**/*.test.ts', 'app/src/**/*.test.ts', 'headlamp-plugin/src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
});
