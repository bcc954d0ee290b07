import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

// Node-side entries: the CLI, the core worker, the Electron main process and the `npm start` launcher. Entries and
// shared chunks land side by side in out/node, so `new URL('./core-worker.js', import.meta.url)` holds in each.
export default defineConfig({
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/node',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: {
        cli: 'core/cli/main.ts',
        'core-worker': 'core/host/core-worker.ts',
        'engine-worker': 'core/engine/worker.ts',
        'provider-check': 'core/engine/provider-check-child.ts',
        'query-worker': 'core/store/query-worker.ts',
        'electron-main': 'electron/main.ts',
        launch: 'electron/launch.ts',
      },
      external: ['electron', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: '[name]-[hash].js',
      },
    },
  },
});
