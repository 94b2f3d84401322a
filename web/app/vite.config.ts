import { defineConfig, type Plugin } from 'vite';

/**
 * One self-contained index.html: the script, the styles and the engine's
 * .wasm (a data: URL) inline, so the built page opens from disk (file://,
 * where browsers load neither module scripts nor .wasm files) and works
 * offline, with no server at all.
 */
function singleFile(): Plugin {
  return {
    name: 'imprint-single-file',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find(
        f => f.type === 'asset' && f.fileName === 'index.html'
      );
      if (!html || html.type !== 'asset') return;
      let text = String(html.source);
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === 'chunk' && file.isEntry) {
          const code = file.code.replace(/<\/script/gi, '<\\/script');
          text = text.replace(
            new RegExp(`<script type="module" crossorigin src="[^"]*${file.fileName}"></script>`),
            () => `<script type="module">${code}</script>`
          );
          delete bundle[name];
        } else if (file.type === 'asset' && file.fileName.endsWith('.css')) {
          const css = String(file.source).replace(/<\/style/gi, '<\\/style');
          text = text.replace(
            new RegExp(`<link rel="stylesheet" crossorigin href="[^"]*${file.fileName}">`),
            () => `<style>${css}</style>`
          );
          delete bundle[name];
        }
      }
      html.source = text;
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [singleFile()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Everything inline, the .wasm included (as a data: URL).
    assetsInlineLimit: () => true,
    cssCodeSplit: false,
    modulePreload: false,
  },
});
