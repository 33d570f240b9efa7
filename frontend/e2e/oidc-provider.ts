/**
 * The test OpenID Connect provider of scripts/oidc/provider.mjs (the certified oidc-provider
 * package, with its own login page) on a free loopback port, for the end-to-end tests: the
 * backend is configured with it, and the specs sign in through its login page.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { FRONTEND_DIR, freePort } from './backend';
import { stopChild } from './child';

const SCRIPT = resolve(FRONTEND_DIR, '..', 'scripts', 'oidc', 'provider.mjs');
export const OIDC_CLIENT_ID = 'strongroom-e2e';
export const OIDC_PROVIDER_NAME = 'Test identity provider';

export interface RunningProvider {
  issuer: string;
  clientSecret: string;
  stop: () => Promise<void>;
}

export async function startProvider(redirectUri: string): Promise<RunningProvider> {
  if (!existsSync(join(SCRIPT, '..', 'node_modules', 'oidc-provider'))) {
    throw new Error('e2e: the test OpenID Connect provider needs `make oidc-provider-install`');
  }
  const port = await freePort();
  const clientSecret = randomBytes(24).toString('hex');
  const child = spawn(
    process.execPath,
    [
      SCRIPT,
      '--port',
      String(port),
      '--client-id',
      OIDC_CLIENT_ID,
      '--client-secret',
      clientSecret,
      '--redirect-uri',
      redirectUri,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const issuer = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => {
      fail(new Error('e2e: the test OpenID Connect provider did not start in time'));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`e2e: the test OpenID Connect provider exited (${String(code)})`));
    });
    lines.on('line', (line) => {
      if (line.startsWith('ready ')) {
        clearTimeout(timer);
        done(line.slice('ready '.length).trim());
      }
    });
  });
  return {
    issuer,
    clientSecret,
    stop: () => stopChild(child),
  };
}

/** The test control API of provider.mjs: creates or replaces an account at the provider. */
export async function providerAccount(
  issuer: string,
  username: string,
  account: { password: string; name: string; groups: string[]; active?: boolean },
): Promise<void> {
  const response = await fetch(`${issuer}/_test/accounts/${username}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (!response.ok) {
    throw new Error(`provider account ${username}: ${String(response.status)}`);
  }
}
