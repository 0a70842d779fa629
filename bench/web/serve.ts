/**
 * Runs one benchmark target in its own process: `tsx bench/web/serve.ts express|hono|floor|express-floor|peer|provider`,
 * configured by the example app's environment variables. Prints `listening <origin>` once ready.
 *
 * Each target gets its own process (as the Python seed does), so no target shares an event loop
 * with the load driver or the provider.
 */
import { type DevClient, type DevIdTokenAlg, startDevProvider } from 'oauth2-session/dev-provider';
import { type FloorOptions, startFloor } from './floor.js';
import { startPeer } from './peer.js';

type Target = { url: string; close(): Promise<void> };

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new TypeError(`${name} is required`);
  return value;
}

/**
 * The dev provider in auto-approve, with the clients given as JSON in `DEV_CLIENTS`; in OpenID
 * Connect mode when `DEV_OIDC` is `1`, signing ID tokens with `DEV_ID_TOKEN_ALG` (default RS256).
 */
async function startProvider(): Promise<Target> {
  const clients = JSON.parse(required('DEV_CLIENTS')) as DevClient[];
  const oidc = process.env.DEV_OIDC === '1';
  const idTokenAlg = (process.env.DEV_ID_TOKEN_ALG || undefined) as DevIdTokenAlg | undefined;
  const provider = await startDevProvider({
    autoApprove: true,
    clients,
    ...(oidc && { oidc, idTokenAlg }),
  });
  return { url: provider.origin, close: () => provider.close() };
}

/** The floor's and the peer's settings, from the example app's variables. */
function handWritten(): FloorOptions {
  return {
    clientId: required('OAUTH_CLIENT_ID'),
    clientSecret: required('OAUTH_CLIENT_SECRET'),
    authorizeUrl: required('OAUTH_AUTHORIZE_URL'),
    tokenUrl: required('OAUTH_TOKEN_URL'),
    userUrl: required('OAUTH_USER_URL'),
    port: Number(process.env.PORT ?? 0),
  };
}

async function startTarget(kind: string | undefined): Promise<Target> {
  switch (kind) {
    case 'express':
      return (await import('../../examples/github/express.js')).start(process.env, { quiet: true });
    case 'hono':
      return (await import('../../examples/github/hono.js')).start(process.env, { quiet: true });
    case 'floor':
      return startFloor(handWritten());
    case 'express-floor':
      return startFloor(handWritten(), 'express');
    case 'peer':
      return startPeer(handWritten());
    case 'provider':
      return startProvider();
    default:
      throw new TypeError('usage: serve.ts express|hono|floor|express-floor|peer|provider');
  }
}

const target = await startTarget(process.argv[2]);
console.log(`listening ${target.url}`);
// The parent ends us with SIGTERM; close cleanly so no socket lingers.
process.once('SIGTERM', () => {
  void target.close().then(() => process.exit(0));
});
