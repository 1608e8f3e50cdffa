import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * The two pages the hub serves, `/consent` and `/insights`. Preact through Vite's own esbuild JSX transform
 * (no Babel); everything is bundled under `/web/assets/` with hashed names, which the hub serves as
 * immutable. `npm run build:web` (src/web/build-web.ts) runs this; `vite --config src/web/vite.config.ts`
 * serves the pages for development against a hub on port 4000.
 */
export default defineConfig({
  root: webRoot,
  base: '/web/',
  publicDir: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { consent: `${webRoot}consent/index.html`, insights: `${webRoot}insights/index.html` },
    },
  },
  server: {
    proxy: { '/graphql': 'http://127.0.0.1:4000', '/.well-known': 'http://127.0.0.1:4000', '/web/purposes.json': 'http://127.0.0.1:4000' },
  },
});
