import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console's build: src/console → dist/console, served by the server at `/` (src/http/console-assets.ts).
 * No plugin: Vite's own transform (Oxc) compiles TSX with React's automatic runtime; there is no dev
 * server to refresh, the server serves the build.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // No inline module-preload polyfill or data: URLs for scripts: the Content-Security-Policy allows own files only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
