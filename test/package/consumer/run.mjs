/**
 * Run by plain Node in a folder where the packed tarball is installed: imports every subpath the
 * package exports, then signs in through the installed code (dev provider, GitHub preset, the web
 * handlers) over loopback HTTP. Prints one JSON line: the export names per subpath, the user.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const manifest = JSON.parse(readFileSync(require.resolve('oauth2-session/package.json'), 'utf8'));

const exported = {};
for (const subpath of Object.keys(manifest.exports)) {
  if (subpath === './package.json') continue;
  const name = subpath === '.' ? 'oauth2-session' : `oauth2-session/${subpath.slice(2)}`;
  exported[subpath] = Object.keys(await import(name)).sort();
}

const { startDevProvider } = await import('oauth2-session/dev-provider');
const { githubProvider } = await import('oauth2-session/providers');
const { createOAuthHandlers } = await import('oauth2-session/web');

const APP = 'http://127.0.0.1:5000';
/** `name=value` of each Set-Cookie that sets a value. */
const cookiesOf = (response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .filter((c) => !c.endsWith('='));

const provider = await startDevProvider({ autoApprove: true });
try {
  const auth = createOAuthHandlers({
    clientId: 'dev-client-id',
    clientSecret: 'dev-client-secret',
    provider: githubProvider({ baseUrl: provider.origin, apiUrl: provider.origin }),
    redirectUri: `${APP}/callback`,
    session: { secrets: 'package-consumer-secret-0123456789abcdef' },
    afterLoginPath: '/profile',
  });
  const login = await auth.login(new Request(`${APP}/login`));
  const transaction = cookiesOf(login).join('; ');
  const approved = await fetch(login.headers.get('location'), { redirect: 'manual' });
  const callbackUrl = new URL(approved.headers.get('location'), provider.origin).href;
  const callback = await auth.callback(
    new Request(callbackUrl, { headers: { cookie: transaction } }),
  );
  const session = cookiesOf(callback).join('; ');
  const profile = await auth.withClient(
    new Request(`${APP}/profile`, { headers: { cookie: session } }),
    // The README's pattern: the route reads the API's answer and answers its own.
    async (client) => Response.json(await (await client.get(`${provider.origin}/user`)).json()),
  );
  const user = await profile.json();
  const steps = [login.status, approved.status, callback.status, profile.status];
  process.stdout.write(`${JSON.stringify({ exported, steps, user: user.login })}\n`);
} finally {
  await provider.close();
}
