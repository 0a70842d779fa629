#!/usr/bin/env node
/**
 * `oauth2-dev-provider`: runs the GitHub-compatible development provider until interrupted.
 *
 * @example
 * npx oauth2-dev-provider --port 4000 --redirect-uri http://127.0.0.1:5000/callback
 * npx oauth2-dev-provider --oidc --id-token-alg ES256
 *
 * @module
 */
import { parseCliArgs, USAGE } from './cli-args.js';
import { startDevProvider } from './server.js';

async function main(argv: readonly string[]): Promise<void> {
  const config = parseCliArgs(argv);
  if (config.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const provider = await startDevProvider(config.options);
  const client = config.options.clients![0]!;
  // A secret given by flag is never echoed: it may be one that is used elsewhere too.
  const secret = config.secretFromFlag ? '(from --client-secret)' : client.clientSecret;
  process.stdout.write(
    `oauth2 dev provider at ${provider.origin}: authorize ${provider.authorizeUrl} token ${provider.tokenUrl} ` +
      `user ${provider.userUrl} client_id ${client.clientId} client_secret ${secret}` +
      (provider.oidc
        ? ` issuer ${provider.oidc.issuer} discovery ${provider.oidc.discoveryUrl}`
        : '') +
      '\n',
  );
  const stop = () => void provider.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `oauth2-dev-provider: ${error instanceof Error ? error.message : 'failed'}\n${USAGE}\n`,
  );
  process.exit(2);
});
