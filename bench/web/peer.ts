/**
 * The peer: what a developer would write instead of using this library, the seed's three routes
 * on Express 5 with express-session (its default MemoryStore) and openid-client v6, the way
 * openid-client's README teaches the authorization code flow: a PKCE verifier and a state made
 * per redirect and kept in the session, `authorizationCodeGrant` with both expected back, and
 * `fetchProtectedResource` for the user. Bench code only; the same GitHub stand-in as every
 * other contender.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import * as client from 'openid-client';
import type { FloorOptions } from './floor.js';

declare module 'express-session' {
  interface SessionData {
    codeVerifier?: string | undefined;
    state?: string | undefined;
    accessToken?: string | undefined;
  }
}

/** The peer takes the same endpoints and client as the floor. */
export type PeerOptions = FloorOptions;

/** The GitHub stand-in described by hand: it has no discovery document, as GitHub has none. */
function configuration(options: PeerOptions): client.Configuration {
  const config = new client.Configuration(
    {
      issuer: new URL(options.authorizeUrl).origin,
      authorization_endpoint: options.authorizeUrl,
      token_endpoint: options.tokenUrl,
    },
    options.clientId,
    options.clientSecret,
  );
  // The stand-in is plain http on loopback.
  client.allowInsecureRequests(config);
  return config;
}

/** The peer's Express app: `/`, `/callback` and `/profile`, as in the seed. */
export function peerApp(options: PeerOptions): express.Express {
  const config = configuration(options);
  const app = express();
  app.disable('x-powered-by');
  app.use(
    session({
      secret: randomBytes(32).toString('base64url'),
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax' },
    }),
  );

  app.get('/', async (req, res) => {
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    req.session.codeVerifier = codeVerifier;
    req.session.state = state;
    const url = client.buildAuthorizationUrl(config, {
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    });
    res.redirect(url.href);
  });

  app.get('/callback', async (req, res) => {
    const { codeVerifier, state } = req.session;
    if (!codeVerifier || !state) return res.status(400).type('text/plain').send('no login');
    const currentUrl = new URL(req.originalUrl, `http://${req.headers.host}`);
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
    });
    delete req.session.codeVerifier;
    delete req.session.state;
    req.session.accessToken = tokens.access_token;
    res.redirect('/profile');
  });

  app.get('/profile', async (req, res) => {
    const accessToken = req.session.accessToken;
    if (!accessToken) return res.redirect('/');
    const reply = await client.fetchProtectedResource(
      config,
      accessToken,
      new URL(options.userUrl),
      'GET',
    );
    res.json(await reply.json());
  });

  // Say only that it failed (an error could carry a provider answer).
  app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).type('text/plain').send('error');
  });
  return app;
}

/** Starts the peer on loopback; answers its origin and a close function. */
export async function startPeer(
  options: PeerOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(peerApp(options));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
