/**
 * Two-factor sign-in in chromium against the real backend (make dev's settings: two-factor is
 * voluntary there, so a Viewer turns it on): enrolment from the account page (QR code, secret,
 * a code computed here as an authenticator app does, recovery codes shown once), then a sign-in
 * that asks for the code after the password (a wrong code is refused and stays in the field, a
 * recovery code signs in), and turning it off with the password and a recovery code.
 * mum1-viewer, whom no other spec signs in as, is the user.
 */
import { createHmac } from 'node:crypto';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { launch, signIn } from './browser';

const baseUrl = inject('baseUrl');
const password = inject('demoPassword');
const LIVE = { timeout: 15_000 };
const USERNAME = 'mum1-viewer';

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((byte) => parseInt(byte, 2)));
}

/** RFC 6238's code (HMAC-SHA1, 30-second steps, 6 digits), as an authenticator app computes it. */
function totp(secret: string): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const digest = createHmac('sha1', base32Decode(secret)).update(message).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0xf;
  return String((digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('two-factor sign-in', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launch();
  });

  afterAll(async () => {
    await browser.close();
  });

  it('enrols, signs in with a recovery code after a refused code, and turns it off', async () => {
    const { context, page } = await signIn(browser, baseUrl, USERNAME, password);
    await page.getByRole('button', { name: /^Account:/ }).click();
    await page.getByRole('menuitem', { name: 'Your account' }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor(LIVE);
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    await page.getByAltText('QR code of your authenticator secret').waitFor(LIVE);
    const secret = await page.getByLabel('Authenticator secret').innerText();
    await page.getByLabel(/^Code from the app/).fill(totp(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    const list = page.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor(LIVE);
    const codes = (await list.getByRole('listitem').allInnerTexts()).map((code) => code.trim());
    expect(codes).toHaveLength(10);
    await page.getByRole('button', { name: 'I have saved my recovery codes' }).click();
    await page.getByRole('button', { name: 'Replace recovery codes' }).waitFor(LIVE);

    // Signed out, the password alone no longer signs in: the code is asked for.
    await page.getByRole('button', { name: /^Account:/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor(LIVE);
    await page.goto('/login');
    await page.getByLabel('Username').fill(USERNAME);
    await page.getByLabel(/^Password/).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const code = page.getByLabel(/^Authentication code/);
    await code.waitFor(LIVE);
    expect(await code.evaluate((element) => element === document.activeElement)).toBe(true);
    await code.fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').getByText('The code is not valid.').waitFor(LIVE);
    expect(await code.inputValue()).toBe('000000');
    await code.fill(codes[0] ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor(LIVE);

    // Off again: the password and a code (here a second recovery code).
    await page.goto('/account');
    await page.getByLabel(/^Password/).fill(password);
    await page.getByLabel(/^Code from the app or a recovery code/).fill(codes[1] ?? '');
    await page.getByRole('button', { name: 'Turn off' }).click();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).waitFor(LIVE);
    await context.close();
  });
});
