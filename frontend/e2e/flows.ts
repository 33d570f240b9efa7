/**
 * What the end-to-end specs share: an API client that signs each demo user in once (to choose
 * test data and to check the server's state), a free crate, the status on a request page and
 * the signature dialog of a request action.
 */
import type { Locator, Page } from 'playwright-core';

export interface Api {
  get: <T>(username: string, path: string) => Promise<T>;
  post: <T>(username: string, path: string, body: unknown) => Promise<T>;
}

/**
 * Calls the API outside any browser, with one access token per user for the whole spec file:
 * sign-ins share the server's login throttle, so the specs spend as few as they can.
 */
export function apiClient(baseUrl: string, password: string): Api {
  const tokens = new Map<string, Promise<string>>();

  const accessFor = (username: string): Promise<string> => {
    let token = tokens.get(username);
    if (token === undefined) {
      token = fetch(`${baseUrl}/api/v1/auth/login/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password }),
      }).then(async (response) => {
        if (!response.ok) {
          throw new Error(`sign-in of ${username}: ${String(response.status)}`);
        }
        return ((await response.json()) as { access: string }).access;
      });
      tokens.set(username, token);
      // A refused sign-in is not kept: the next call tries again.
      void token.catch(() => tokens.delete(username));
    }
    return token;
  };

  const call = async <T>(username: string, path: string, init: RequestInit): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${await accessFor(username)}`,
        Accept: 'application/json',
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
    });
    if (!response.ok) {
      throw new Error(`${path}: ${String(response.status)} ${await response.text()}`);
    }
    return (await response.json()) as T;
  };

  return {
    get: (username, path) => call(username, path, {}),
    post: (username, path, body) =>
      call(username, path, { method: 'POST', body: JSON.stringify(body) }),
  };
}

interface Paged<T> {
  results: T[];
}

/**
 * A GOA1 crate in storage with no open request and no legal hold: the newest, or with `oldest`
 * the oldest (specs that run in one backend take crates from either end).
 */
export async function freeCrate(
  api: Api,
  { oldest = false } = {},
): Promise<{ id: number; code: string }> {
  const crates = await api.get<Paged<{ id: number; code: string; legal_hold: boolean }>>(
    'goa1-manager',
    '/api/v1/crates/?status=IN_STORAGE&page_size=100',
  );
  const open = await api.get<Paged<{ crate: number }>>(
    'goa1-manager',
    '/api/v1/requests/?status=SUBMITTED&status=APPROVED&status=ISSUED&status=SENT_BACK&page_size=200',
  );
  const busy = new Set(open.results.map((request) => request.crate));
  const candidates = oldest ? [...crates.results].reverse() : crates.results;
  const crate = candidates.find((c) => !busy.has(c.id) && !c.legal_hold);
  if (crate === undefined) {
    throw new Error('The demo data has no free crate in storage');
  }
  return { id: crate.id, code: crate.code };
}

export async function freeCrateCode(api: Api, options: { oldest?: boolean } = {}): Promise<string> {
  return (await freeCrate(api, options)).code;
}

/** The status badge's text on a request page, in lower case (CSS shows it in capitals). */
export async function statusOf(page: Page): Promise<string> {
  return ((await page.getByTestId('request-status').textContent()) ?? '').trim().toLowerCase();
}

export interface SignOptions {
  /** The first signature of a session asks for the user ID too (21 CFR 11.200(a)). */
  userId?: string;
  reason?: string;
  /** Fills the action's own fields in the dialog (a shelf, a witness) before signing. */
  fill?: (dialog: Locator) => Promise<void>;
}

/** Clicks a request action by its label and signs it in the dialog. */
export async function sign(
  page: Page,
  action: string,
  password: string,
  { userId, reason, fill }: SignOptions = {},
): Promise<void> {
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: action }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Your password').waitFor();
  if (reason !== undefined) {
    await dialog.getByLabel(/^Reason/).fill(reason);
  }
  if (userId !== undefined) {
    await dialog.getByLabel(/^User ID/).fill(userId);
  }
  if (fill !== undefined) {
    await fill(dialog);
  }
  await dialog.getByLabel('Your password').fill(password);
  await dialog.getByRole('button', { name: /^Sign and / }).click();
}

/** A document of a new storage request; with no `retention_until` the retention schedule dates it. */
export interface NewDocument {
  number: string;
  title: string;
  doc_type: string;
  prepared_on: string;
  retention_until?: string;
}

/** A storage request as the Store Head's allocation leaves it (COMPLETED: its crate in storage). */
export interface FiledCrate {
  id: number;
  version: number;
  status: string;
  crate: number;
  crate_code: string;
}

interface Shelf {
  id: number;
  unit_code: string;
  kind: string;
  full_code: string;
  free: number;
  is_active: boolean;
}

/** The first GOA1 department of the demo data. */
export async function goa1Department(api: Api): Promise<{ id: number; code: string }> {
  const departments = await api.get<Paged<{ id: number; unit_code: string; code: string }>>(
    'goa1-manager',
    '/api/v1/departments/?page_size=100',
  );
  const department = departments.results.find((d) => d.unit_code === 'GOA1');
  if (department === undefined) {
    throw new Error('The demo data has no GOA1 department');
  }
  return { id: department.id, code: department.code };
}

/** A free GOA1 shelf outside room R02 (request-types.e2e.ts fills shelves there). */
async function freeShelf(api: Api): Promise<number> {
  const shelves = await api.get<Paged<Shelf>>(
    'goa1-storehead',
    '/api/v1/locations/?kind=SHELF&page_size=200',
  );
  const shelf = shelves.results.find(
    (s) =>
      s.kind === 'SHELF' &&
      s.unit_code === 'GOA1' &&
      s.is_active &&
      s.free > 0 &&
      !s.full_code.startsWith('GOA1/R02/'),
  );
  if (shelf === undefined) {
    throw new Error('The demo data has no free GOA1 shelf');
  }
  return shelf.id;
}

/**
 * Files a GOA1 crate of `documents` through the real workflow, each step signed by its demo
 * user: the storage request raised (goa1-manager), approved (goa1-approver), a shelf allocated
 * (goa1-storehead) — `shelf`, or a free one outside room R02. Returns the request as allocated.
 */
export async function fileCrate(
  api: Api,
  password: string,
  {
    department,
    purpose,
    documents,
    shelf,
  }: { department: number; purpose: string; documents: NewDocument[]; shelf?: number },
): Promise<FiledCrate> {
  const signature = (username: string) => ({ username, password });
  const raised = await api.post<FiledCrate>('goa1-manager', '/api/v1/requests/', {
    type: 'STORAGE',
    purpose,
    department,
    new_documents: documents,
    signature: signature('goa1-manager'),
  });
  const path = `/api/v1/requests/${String(raised.id)}`;
  const approved = await api.post<FiledCrate>('goa1-approver', `${path}/approve/`, {
    version: raised.version,
    reason: '',
    signature: signature('goa1-approver'),
  });
  return api.post<FiledCrate>('goa1-storehead', `${path}/allocate/`, {
    version: approved.version,
    reason: '',
    shelf: shelf ?? (await freeShelf(api)),
    signature: signature('goa1-storehead'),
  });
}
