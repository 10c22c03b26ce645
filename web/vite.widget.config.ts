import { defineConfig } from 'vite';

// The chat widget: one self-contained script, `dist/widget.js`, that any website embeds with
// a `<script>` tag. Built after the console (which empties dist/), into the same folder.
export default defineConfig({
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2020',
    lib: {
      entry: 'src/widget/main.tsx',
      formats: ['iife'],
      name: 'KefuWidget',
      fileName: () => 'widget.js',
    },
  },
});
