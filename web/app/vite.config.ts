import { defineConfig } from "vite";

// A static page: relative asset paths (open the built folder from any
// static server or path), the engine's .wasm as a separate asset.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
});
