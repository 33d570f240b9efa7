#!/usr/bin/env node
/**
 * An OpenID Connect provider on loopback for Strongroom's tests: the OpenID-certified
 * `oidc-provider` package with a login page of its own and an in-memory directory of accounts.
 * It is a real provider (discovery, JWKS, authorization code with PKCE, refresh tokens,
 * userinfo): Strongroom's tests sign in through it exactly as they would through Entra ID,
 * Okta or Keycloak. Never for production: keys are made at start and accounts live in memory.
 *
 *   node scripts/oidc/provider.mjs --port 9400 --client-id strongroom --client-secret S \
 *        --redirect-uri http://127.0.0.1:8000/auth/callback [--redirect-uri ...]
 *
 * Prints `ready http://127.0.0.1:<port>` (the issuer) on stdout once it listens.
 *
 * Test control (loopback only; JSON):
 *   PUT  /_test/accounts/<username>  {password, name, email, groups: [...], active: true,
 *                                     login_age_seconds: 0}
 *        creates or replaces an account. `active: false` is an account disabled at the
 *        provider: sign-in refused, refresh tokens refused. `login_age_seconds` back-dates the
 *        next logins' time (`auth_time`): a provider that did not re-authenticate just now.
 *   GET  /_test/accounts/<username>  the account (without its password).
 *
 * Scopes: openid, profile (name, preferred_username), email (email), groups (groups),
 * offline_access. Refresh tokens are issued to the client whatever the scope, and outlive the
 * browser session, so that the relying party can ask again at every refresh.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '9400' },
    host: { type: 'string', default: '127.0.0.1' },
    'client-id': { type: 'string', default: 'strongroom' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
  },
});
if (!args['client-secret'] || args['redirect-uri'].length === 0) {
  process.stderr.write('provider.mjs: --client-secret and at least one --redirect-uri are required\n');
  process.exit(2);
}

const issuer = `http://${args.host}:${args.port}`;
const accounts = new Map();

function accountClaims(username) {
  const account = accounts.get(username);
  return {
    sub: username,
    name: account.name,
    preferred_username: username,
    email: account.email,
    groups: account.groups,
  };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: args['client-id'],
      client_secret: args['client-secret'],
      redirect_uris: args['redirect-uri'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      require_auth_time: true,
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    groups: ['groups'],
  },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const account = accounts.get(sub);
    if (!account || !account.active) {
      return undefined; // refresh tokens and sessions of a disabled account stop working
    }
    return { accountId: sub, claims: () => accountClaims(sub) };
  },
  // A first-party client: no consent screen; the grant covers every scope it asks for.
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) {
        return existing;
      }
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid offline_access profile email groups');
    await grant.save();
    return grant;
  },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  expiresWithSession: async () => false,
  ttl: { AccessToken: 600, IdToken: 600, RefreshToken: 86400, Session: 3600, Interaction: 600, Grant: 86400 },
});
provider.proxy = false;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, clientId, error) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Test identity provider</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#111}
label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.5rem;font-size:1rem}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem}.error{color:#a00000}</style></head>
<body><main><h1>Test identity provider</h1>
<p>Sign in to continue to <strong>${escapeHtml(clientId)}</strong>.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="username">Username</label><input id="username" name="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form></main></body></html>`;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
    if (chunks.reduce((n, c) => n + c.length, 0) > 65536) {
      throw new Error('body too large');
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(type === 'application/json' ? JSON.stringify(body) : body);
}

async function interaction(req, res, uid, isLogin) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    return send(res, 400, { error: 'interaction mismatch' });
  }
  const clientId = details.params.client_id;
  if (!isLogin) {
    return send(res, 200, loginPage(uid, clientId, ''), 'text/html; charset=utf-8');
  }
  const form = new URLSearchParams(await readBody(req));
  const username = (form.get('username') || '').trim().toLowerCase();
  const account = accounts.get(username);
  if (!account || !account.active || account.password !== form.get('password')) {
    return send(res, 200, loginPage(uid, clientId, 'Wrong username or password.'), 'text/html; charset=utf-8');
  }
  const ts = Math.floor(Date.now() / 1000) - (account.login_age_seconds || 0);
  return provider.interactionFinished(
    req,
    res,
    { login: { accountId: username, ts, remember: false } },
    { mergeWithLastSubmission: false },
  );
}

async function control(req, res, username) {
  if (req.method === 'GET') {
    const account = accounts.get(username);
    if (!account) {
      return send(res, 404, { error: 'no such account' });
    }
    const { password: _password, ...shown } = account;
    return send(res, 200, { username, ...shown });
  }
  if (req.method !== 'PUT') {
    return send(res, 405, { error: 'PUT or GET' });
  }
  const body = JSON.parse((await readBody(req)) || '{}');
  if (typeof body.password !== 'string' || !body.password) {
    return send(res, 400, { error: 'password is required' });
  }
  accounts.set(username, {
    password: body.password,
    name: body.name ?? username,
    email: body.email ?? `${username}@example.test`,
    groups: Array.isArray(body.groups) ? body.groups.map(String) : [],
    active: body.active !== false,
    login_age_seconds: Number(body.login_age_seconds) || 0,
  });
  return send(res, 200, { username });
}

const handle = provider.callback();
const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    let match = url.pathname.match(/^\/interaction\/([\w-]+)(\/login)?$/);
    if (match) {
      const isLogin = Boolean(match[2]);
      if ((isLogin && req.method !== 'POST') || (!isLogin && req.method !== 'GET')) {
        return send(res, 405, { error: 'method not allowed' });
      }
      return await interaction(req, res, match[1], isLogin);
    }
    match = url.pathname.match(/^\/_test\/accounts\/([a-z0-9._@+-]{1,150})$/);
    if (match) {
      return await control(req, res, match[1]);
    }
    return handle(req, res);
  } catch (error) {
    process.stderr.write(`provider.mjs: ${error?.stack || error}\n`);
    if (!res.headersSent) {
      send(res, 500, { error: String(error?.message || error) });
    }
  }
});
server.listen(Number(args.port), args.host, () => {
  process.stdout.write(`ready ${issuer}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
