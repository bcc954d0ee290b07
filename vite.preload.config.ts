import { defineConfig } from 'vite';

// A sandboxed preload cannot be an ES module: one self-contained CommonJS file that only requires 'electron'.
export default defineConfig({
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'out/preload',
    emptyOutDir: true,
    minify: false,
    rollupOptions: {
      input: { preload: 'electron/preload.ts' },
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
    },
  },
  ssr: { noExternal: true },
});
