/**
 * A consumer of `oauth2-session/redis`: the README's Redis pattern, the store chosen by
 * configuration and passed to the handlers whether or not it is set.
 */
import { RedisStore } from 'oauth2-session/redis';
import { createOAuthHandlers, type OAuthHandlersOptions } from 'oauth2-session/web';

/** The handlers with Redis sessions when `REDIS_URL` is set, sealed cookies otherwise. */
export function handlersWithRedis(
  options: Omit<OAuthHandlersOptions, 'session'>,
  env: Record<string, string | undefined>,
) {
  const url = env['REDIS_URL'];
  const store = url ? new RedisStore(url, { prefix: 'myapp:' }) : undefined;
  const secrets = [env['SESSION_SECRET'] ?? 'a-session-secret-of-32-characters!'];
  const auth = createOAuthHandlers({ ...options, session: { secrets, store } });
  return { auth, close: () => store?.close() };
}
