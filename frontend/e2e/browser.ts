import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { apiClient, type Api } from './flows';

export const CHROMIUM = process.env.STRONGROOM_CHROMIUM ?? '/usr/bin/chromium';

/** `extraArgs`: more chromium switches (e.g. a fake camera). */
export function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      ...extraArgs,
    ],
  });
}

export interface Session {
  context: BrowserContext;
  page: Page;
}

/** A separate browser context (its own sessionStorage and socket) signed in as `username`. */
export async function signIn(
  browser: Browser,
  baseUrl: string,
  username: string,
  password: string,
  viewport = { width: 1280, height: 800 },
): Promise<Session> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.locator('[data-testid="connection-indicator"][data-state="online"]').waitFor();
  return { context, page };
}

const clients = new Map<string, Api>();

/** GETs from the API as `username`, outside any browser (to choose test data): one sign-in per
 *  user and spec file (see apiClient). */
export function apiAs<T>(
  baseUrl: string,
  username: string,
  password: string,
  path: string,
): Promise<T> {
  const key = `${baseUrl} ${password}`;
  let client = clients.get(key);
  if (client === undefined) {
    client = apiClient(baseUrl, password);
    clients.set(key, client);
  }
  return client.get<T>(username, path);
}
