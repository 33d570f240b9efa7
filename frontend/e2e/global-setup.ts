import type { TestProject } from 'vitest/node';

import { freePort, startBackend } from './backend';
import { OIDC_CLIENT_ID, OIDC_PROVIDER_NAME, startProvider } from './oidc-provider';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    demoPassword: string;
    /** The test OpenID Connect provider the backend signs in with ('' when not started). */
    oidcIssuer: string;
  }
}

/**
 * Starts the test OpenID Connect provider and the real backend configured with it, unless
 * STRONGROOM_E2E_BASE_URL points at a backend already running (with STRONGROOM_E2E_PASSWORD,
 * the demo password, and STRONGROOM_E2E_OIDC_ISSUER, its provider's, if it has one); stops
 * both after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.STRONGROOM_E2E_BASE_URL;
  if (external !== undefined && external !== '') {
    project.provide('baseUrl', external);
    project.provide('demoPassword', process.env.STRONGROOM_E2E_PASSWORD ?? '');
    project.provide('oidcIssuer', process.env.STRONGROOM_E2E_OIDC_ISSUER ?? '');
    return () => Promise.resolve();
  }
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${String(port)}/auth/callback`;
  const provider = await startProvider(redirectUri);
  try {
    const backend = await startBackend({
      port,
      env: {
        STRONGROOM_OIDC_ISSUER: provider.issuer,
        STRONGROOM_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
        STRONGROOM_OIDC_CLIENT_SECRET: provider.clientSecret,
        STRONGROOM_OIDC_REDIRECT_URI: redirectUri,
        STRONGROOM_OIDC_SCOPES: 'openid profile email groups offline_access',
        STRONGROOM_OIDC_PROVIDER_NAME: OIDC_PROVIDER_NAME,
      },
    });
    project.provide('baseUrl', backend.baseUrl);
    project.provide('demoPassword', backend.password);
    project.provide('oidcIssuer', provider.issuer);
    return async () => {
      await backend.stop();
      await provider.stop();
    };
  } catch (error) {
    await provider.stop();
    throw error;
  }
}
