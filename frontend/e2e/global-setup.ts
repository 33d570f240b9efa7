import type { TestProject } from 'vitest/node';

import { startBackend } from './backend';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    demoPassword: string;
  }
}

/**
 * Starts the real backend unless STRONGROOM_E2E_BASE_URL points at one already running
 * (with STRONGROOM_E2E_PASSWORD, the demo password); stops it after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.STRONGROOM_E2E_BASE_URL;
  if (external !== undefined && external !== '') {
    project.provide('baseUrl', external);
    project.provide('demoPassword', process.env.STRONGROOM_E2E_PASSWORD ?? '');
    return () => Promise.resolve();
  }
  const backend = await startBackend();
  project.provide('baseUrl', backend.baseUrl);
  project.provide('demoPassword', backend.password);
  return backend.stop;
}
