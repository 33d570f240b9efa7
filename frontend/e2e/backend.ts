/**
 * Starts the real backend for the end-to-end tests: a fresh SQLite database in a temp dir,
 * migrate + initial_setup --demo, then Daphne on a free loopback port serving frontend/dist.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { stopChild } from './child';

export const FRONTEND_DIR = resolve(import.meta.dirname, '..');
export const BACKEND_DIR = resolve(FRONTEND_DIR, '..', 'backend');

export interface RunningBackend {
  baseUrl: string;
  password: string;
  tempDir: string;
  stop: () => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        done(port);
      });
    });
  });
}

function manage(args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(join(BACKEND_DIR, '.venv', 'bin', 'python'), ['manage.py', ...args], {
    cwd: BACKEND_DIR,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`manage.py ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

async function waitForHealth(baseUrl: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`daphne exited (${String(child.exitCode)}):\n${readFileSync(log, 'utf8')}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`daphne did not answer /healthz in time:\n${readFileSync(log, 'utf8')}`);
}

/** `port`: where to listen (a free one by default); `env`: more settings (e.g. the provider's). */
export async function startBackend(
  options: { port?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunningBackend> {
  const tempDir = mkdtempSync(join(tmpdir(), 'strongroom-e2e-'));
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${String(port)}`;
  const password = `e2e-demo-${String(Date.now())}-pass`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DJANGO_SETTINGS_MODULE: 'config.settings.local',
    DJANGO_DEBUG: 'false',
    STRONGROOM_SQLITE_PATH: join(tempDir, 'db.sqlite3'),
    // initial_setup creates the audit checkpoints' signing key here, not in backend/var.
    STRONGROOM_AUDIT_SIGNING_KEY_FILE: join(tempDir, 'audit-signing-key.pem'),
    STRONGROOM_DEMO_PASSWORD: password,
    STRONGROOM_ADMIN_PASSWORD: password,
    DJANGO_ALLOWED_HOSTS: '127.0.0.1',
    DJANGO_CSRF_TRUSTED_ORIGINS: baseUrl,
    STRONGROOM_WS_ALLOWED_ORIGINS: '127.0.0.1',
    STRONGROOM_SPA_DIST: join(FRONTEND_DIR, 'dist'),
    // Every browser and API helper of every spec signs in (and refreshes on each reload) from
    // 127.0.0.1: the production rate (20 a minute per address, tested in the backend) would
    // refuse the later specs.
    STRONGROOM_THROTTLE_LOGIN: '600/minute',
    // The same demo accounts sign in from every spec and API helper within a few minutes: the
    // production rate per username (10 in five minutes, tested in the backend) would refuse them.
    STRONGROOM_THROTTLE_LOGIN_USERNAME: '600/minute',
    // No worker runs here: queued tasks stay in memory instead of the shared dev broker folder.
    CELERY_BROKER_URL: 'memory://',
    ...options.env,
  };
  manage(['migrate', '--no-input', '-v', '0'], env);
  manage(['initial_setup', '--demo'], env);

  const log = join(tempDir, 'daphne.log');
  const out = openSync(log, 'a');
  const child = spawn(
    join(BACKEND_DIR, '.venv', 'bin', 'daphne'),
    ['-b', '127.0.0.1', '-p', String(port), 'config.asgi:application'],
    { cwd: BACKEND_DIR, env, stdio: ['ignore', out, out] },
  );
  await waitForHealth(baseUrl, child, log);

  return {
    baseUrl,
    password,
    tempDir,
    stop: async () => {
      await stopChild(child);
      if (process.env.STRONGROOM_E2E_KEEP !== '1') {
        rmSync(tempDir, { recursive: true, force: true });
      }
    },
  };
}
