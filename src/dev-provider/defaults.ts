import type { DevClient, DevUser } from './types.js';

/** Lifetimes and limits; every time in seconds unless the name says otherwise. */
export const DEV_DEFAULTS = Object.freeze({
  /** GitHub: "codes expire after 10 minutes". */
  codeTtlSeconds: 600,
  /** How long a shown consent page stays answerable. */
  consentTtlSeconds: 600,
  /** GitHub App user-to-server tokens: 8 hours. */
  accessTokenTtlSeconds: 28_800,
  /** GitHub App refresh tokens: 184 days. */
  refreshTokenTtlSeconds: 15_897_600,
  /** OIDC mode's ID tokens: 1 hour. */
  idTokenTtlSeconds: 3600,
  /** Largest request body read, in bytes. */
  maxBodyBytes: 64 * 1024,
});

/** The client used when no `clients` option is given. */
export const DEFAULT_CLIENT: Readonly<DevClient> = Object.freeze({
  clientId: 'dev-client-id',
  clientSecret: 'dev-client-secret',
  redirectUris: [],
  name: 'oauth2-session dev app',
  // The example app's default address (PORT 5000). Unlike callbacks, no loopback wildcard: a
  // logout redirect is allowed only where a client asked for one.
  postLogoutRedirectUris: ['http://127.0.0.1:5000/logged-out', 'http://localhost:5000/logged-out'],
});

/** The users offered when no `users` option is given. */
export const DEFAULT_USERS: readonly DevUser[] = Object.freeze([
  {
    login: 'octocat',
    id: 583231,
    name: 'The Octocat',
    email: 'octocat@github.com',
    company: '@github',
    location: 'San Francisco',
  },
  { login: 'hubot', id: 480938, name: 'Hubot', email: null, company: 'GitHub', location: null },
  {
    login: 'monalisa',
    id: 2,
    name: 'Mona Lisa Octocat',
    email: 'mona@github.com',
    company: null,
    location: 'Paris',
  },
]);
