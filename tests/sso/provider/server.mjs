// The OpenID provider the single sign-on tests sign in with: oidc-provider (a certified
// OpenID Connect implementation) on loopback, with the clients the tests name, three
// accounts, and a few test controls under /test/.
//
//   node server.mjs '{"port": 5001, "clients": [{"client_id": ..., "client_secret": ...,
//                    "redirect_uris": [...]}]}'
//
// It signs with an RSA key made at each start (a new kid each time), so starting it again on
// the same port is how the tests rotate its keys. It prints one line, {"issuer": ...}, once
// it listens, and stops on SIGTERM.
//
// Test controls (JSON bodies; only for the tests on this machine):
//   POST /test/sign-in-as {"account": "ada"}  the login and consent pages are skipped: the
//        account named signs in and consents at once (null shows the real pages again)
//   POST /test/next-id-token {"id_token": "..."}  the next token answer carries this ID token
//        instead of its own (a token of another client, or one signed with another key)
//   POST /test/reset  back to the real pages and the provider's own tokens

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2] || '{}');

const ACCOUNTS = {
  ada: {
    email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace', team: 'Payments',
    groups: ['Unstuck mentors', 'Payments'],
  },
  ben: {
    email: 'ben@example.com', email_verified: true, name: 'Ben Okafor', team: 'Platform',
    groups: ['Unstuck leads'],
  },
  cy: {
    email: 'cy@example.com', email_verified: false, name: 'Cy Unconfirmed', team: 'Web', groups: [],
  },
};

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}

const controls = { signInAs: null, nextIdToken: null };

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function start(port) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: (settings.clients || []).map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...client,
    })),
    jwks: { keys: [signingKey()] },
    async findAccount(ctx, id) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...account };
        },
      };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'team'],
      groups: ['groups'],
    },
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    features: { devInteractions: { enabled: true } },
  });
  provider.proxy = false;

  // The test controls, and the interactions they skip, before the provider's own routes.
  provider.use(async (ctx, next) => {
    if (ctx.method === 'POST' && ctx.path.startsWith('/test/')) {
      const body = await readJson(ctx.req);
      if (ctx.path === '/test/sign-in-as') controls.signInAs = body.account ?? null;
      else if (ctx.path === '/test/next-id-token') controls.nextIdToken = body.id_token;
      else if (ctx.path === '/test/reset') Object.assign(controls, { signInAs: null, nextIdToken: null });
      else ctx.throw(404);
      ctx.body = { ...controls };
      return;
    }
    const interaction = ctx.method === 'GET' && ctx.path.match(/^\/interaction\/[^/]+$/);
    if (interaction && controls.signInAs) {
      const { prompt, params, session, grantId } = await provider.interactionDetails(ctx.req, ctx.res);
      let result;
      if (prompt.name === 'login') {
        result = { login: { accountId: controls.signInAs } };
      } else {
        const grant = grantId
          ? await provider.Grant.find(grantId)
          : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
        if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
        if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
        result = { consent: { grantId: await grant.save() } };
      }
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true }));
      return;
    }
    await next();
    if (ctx.method === 'POST' && ctx.path === '/token' && controls.nextIdToken && ctx.body?.id_token) {
      ctx.body = { ...ctx.body, id_token: controls.nextIdToken };
      controls.nextIdToken = null;
    }
  });

  const server = http.createServer(provider.callback());
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ issuer })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  server.on('error', (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}

if (!settings.port) {
  process.stderr.write("Give the port to listen on: node server.mjs '{\"port\": 5001, ...}'\n");
  process.exit(2);
}
start(Number(settings.port));
