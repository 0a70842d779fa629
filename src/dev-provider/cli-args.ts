import { parseArgs } from 'node:util';
import { misuse } from '../errors.js';
import { DEFAULT_CLIENT } from './defaults.js';
import { checkIdTokenAlg } from './signing-key.js';
import type { DevClient, DevProviderOptions } from './types.js';

/** What the command line asks for. */
export interface CliConfig {
  options: DevProviderOptions;
  /** Whether the secret came from `--client-secret` (then it is never printed). */
  secretFromFlag: boolean;
  help: boolean;
}

/** Usage text of `oauth2-dev-provider`. */
export const USAGE = `Usage: oauth2-dev-provider [options]
  --port N             port to listen on (default 0: a free port)
  --host H             interface (default 127.0.0.1)
  --auto-approve       skip the consent page, approve as the first user
  --expiring           GitHub App style expiring tokens with single-use refresh tokens
  --client-id ID       client id (default ${DEFAULT_CLIENT.clientId})
  --client-secret S    client secret (default ${DEFAULT_CLIENT.clientSecret})
  --redirect-uri URI   registered callback, repeatable (default: any loopback URL)
  --oidc               OpenID Connect mode: discovery, JWKS, ID tokens, /userinfo, logout
  --id-token-alg ALG   ID token signature in OIDC mode: RS256 (default), ES256 or EdDSA
  --post-logout-redirect-uri URI
                       where logout may return, repeatable (default with --oidc:
                       ${DEFAULT_CLIENT.postLogoutRedirectUris!.join(', ')})
  --help               this text`;

function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw misuse('--port must be an integer from 0 to 65535');
  return port;
}

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'auto-approve': { type: 'boolean' },
  expiring: { type: 'boolean' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  oidc: { type: 'boolean' },
  'id-token-alg': { type: 'string' },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const;

/** The flags as parsed; an unknown flag or a missing value is `ERR_INVALID_ARG_VALUE`. */
function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true }).values;
  } catch (error) {
    throw misuse(error instanceof Error ? error.message : 'invalid arguments');
  }
}

/** Reads the flags of `oauth2-dev-provider`; throws a TypeError with a code on a bad one. */
export function parseCliArgs(argv: readonly string[]): CliConfig {
  const values = readFlags(argv);
  const client: DevClient = {
    clientId: values['client-id'] ?? DEFAULT_CLIENT.clientId,
    clientSecret: values['client-secret'] ?? DEFAULT_CLIENT.clientSecret,
    redirectUris: values['redirect-uri'] ?? [],
  };
  const postLogout =
    values['post-logout-redirect-uri'] ??
    (values.oidc ? [...DEFAULT_CLIENT.postLogoutRedirectUris!] : undefined);
  if (postLogout) client.postLogoutRedirectUris = postLogout;
  const options: DevProviderOptions = {
    port: parsePort(values.port),
    host: values.host ?? '127.0.0.1',
    autoApprove: values['auto-approve'] ?? false,
    expiringTokens: values.expiring ?? false,
    clients: [client],
  };
  // Set only when asked for, so the options without --oidc are the GitHub-shaped ones.
  if (values.oidc) options.oidc = true;
  const alg = values['id-token-alg'];
  if (alg !== undefined) {
    checkIdTokenAlg(alg, '--id-token-alg');
    options.idTokenAlg = alg;
  }
  return {
    options,
    secretFromFlag: values['client-secret'] !== undefined,
    help: values.help ?? false,
  };
}
