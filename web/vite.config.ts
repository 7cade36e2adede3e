// The pages: plain TypeScript and the DOM, one entry per page. `npm run build` builds them into web/dist.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  // The pages are served from the site's root on CloudFront and by the local server.
  base: '/',
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        index: resolve(root, 'index.html'),
        review: resolve(root, 'review.html'),
        dashboard: resolve(root, 'dashboard.html'),
        publisher: resolve(root, 'publisher.html'),
        draft: resolve(root, 'draft.html'),
      },
    },
  },
});
