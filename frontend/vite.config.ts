/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

// The Django/Daphne backend in development. Everything the SPA does not serve itself
// is forwarded there, so the browser only ever talks to one origin (as behind nginx).
// STRONGROOM_DEV_BACKEND overrides it, e.g. when the backend runs in a container.
const backend = process.env.STRONGROOM_DEV_BACKEND ?? 'http://127.0.0.1:8000';

// Keys starting with '^' are regular expressions to Vite. Matching whole path segments keeps
// future SPA routes such as /administration from being sent to Django's /admin/.
const segment = (name: string): string => `^/${name}(?:[/?]|$)`;

const proxy: Record<string, ProxyOptions> = {
  [segment('(?:api|admin|static|healthz|readyz)')]: { target: backend },
  [segment('ws')]: { target: backend, ws: true },
};

export default defineConfig({
  base: '/',
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy,
  },
  preview: {
    host: '127.0.0.1',
    port: 4173,
    proxy,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // Component tests drive many user events; on a busy 2-core machine some take over 5 s.
    testTimeout: 20_000,
    unstubGlobals: true,
  },
});
