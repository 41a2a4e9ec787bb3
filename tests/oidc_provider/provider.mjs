// A real OpenID Connect provider (the npm package oidc-provider) for the single sign-on tests.
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"clients": [oidc-provider client metadata, ...], "accounts": "ACCOUNTS.json"}.
// ACCOUNTS.json, read again at every look-up so a test can change a person's roles or disable
// them while the provider runs:
//   {"<login>": {"password": "...", "enabled": true, "claims": {"sub": "...", "roles": [...], ...}}}
//
// The provider listens on 127.0.0.1 on a free port and prints "READY <issuer>" once it serves.
// Its sign-in page is a plain form (login, password); a disabled account is refused there with
// error=access_denied, and its existing provider session no longer counts (login_required).

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function accounts() {
  return JSON.parse(readFileSync(config.accounts, 'utf8'));
}

function accountBySub(sub) {
  return Object.values(accounts()).find((a) => a.claims.sub === sub);
}

// A session whose person has since been disabled must sign in again, which the sign-in form
// refuses: with prompt=none (a session re-validation) the answer is error=login_required.
const policy = interactionPolicy.base();
policy.get('login').checks.add(
  new interactionPolicy.Check('account_disabled', 'The account is disabled', 'login_required', (ctx) => {
    const { accountId } = ctx.oidc.session;
    const account = accountId && accountBySub(accountId);
    return account && !account.enabled
      ? interactionPolicy.Check.REQUEST_PROMPT
      : interactionPolicy.Check.NO_NEED_TO_PROMPT;
  }),
);

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function loginForm(uid, message = '') {
  return page(
    'Test provider: sign in',
    `${message ? `<p role="alert">${escape(message)}</p>` : ''}
    <form method="post" action="/interaction/${escape(uid)}/login">
      <label>Login <input name="login" autocomplete="username"></label>
      <label>Password <input name="password" type="password"></label>
      <button type="submit">Sign in</button>
    </form>`,
  );
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-provider-cookie-key'] },
    // Every client must use PKCE (S256), as the product does.
    pkce: { required: () => true },
    // Claims of the requested scopes go in the ID token too, as Entra ID puts roles and groups there.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'roles', 'groups'],
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
    },
    interactions: { policy },
    async findAccount(ctx, sub) {
      const account = accountBySub(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account.claims }) };
    },
    // Sessions, codes and tokens live as long as a test needs; nothing outlives the process.
    ttl: { Session: 3600, Interaction: 600, AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Grant: 3600 },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Test provider: error', `<p id="error">${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
    },
  });

  async function interaction(req, res) {
    const [, , uid, action] = new URL(req.url, issuer).pathname.split('/');
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (details.prompt.name === 'consent') {
      // The product is the council's own application: no consent screen, as in Entra ID with
      // admin consent granted for the tenant.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(loginForm(uid));
    }
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const account = accounts()[form.get('login')];
      if (!account || account.password !== form.get('password')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(loginForm(uid, 'Wrong login or password.'));
      }
      if (!account.enabled) {
        return provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'This account is disabled.',
        });
      }
      return provider.interactionFinished(req, res, { login: { accountId: account.claims.sub } });
    }
    res.writeHead(405);
    return res.end();
  }

  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(req, res).catch((err) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
      return;
    }
    handle(req, res);
  });
  process.stdout.write(`READY ${issuer}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
