import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // zod is about a hundred ESM files; bundled, the main process and
      // browser mode load it as one. (The CLI does not load it at all.)
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        // Electron's main process, browser mode and the CLI share the same
        // services; building them together keeps one copy of each module.
        input: {
          main: resolve(root, 'electron/main.ts'),
          web: resolve(root, 'electron/web/main.ts'),
          cli: resolve(root, 'electron/cli/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require nothing but `electron`: bundle every
      // dependency into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve(root, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    // Relative asset URLs: Electron loads index.html from a file: URL.
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: {
        input: {
          index: resolve(root, 'renderer/index.html'),
          // Browser mode's window.ferry over WebSocket; loaded only by the
          // browser-mode server, under a fixed name so it can inject it.
          'ferry-web': resolve(root, 'electron/web/browser/client.ts'),
        },
        output: {
          entryFileNames: (chunk) => (chunk.name === 'ferry-web' ? 'ferry-web.js' : 'assets/[name]-[hash].js'),
        },
      },
    },
  },
});
