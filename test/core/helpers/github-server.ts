/**
 * A GitHub-shaped server on loopback (GitHub itself cannot be reached here): form-encoded token
 * answers unless `Accept: application/json`, errors with HTTP 200, comma-separated scopes,
 * single-use codes, single-use refresh tokens, `/api/user` needing a token and a User-Agent.
 */
import { type Recorded, type Reply, startServer, type TestServer } from './server.js';

export interface GitHubServer extends TestServer {
  /** Issues a code for the next exchange. */
  issueCode(code: string, scope?: string): void;
  clientId: string;
  clientSecret: string;
}

export async function startGitHubServer(): Promise<GitHubServer> {
  const clientId = 'Iv1.testclient';
  const clientSecret = 'shhh-secret-value';
  const codes = new Map<string, string>();
  const refreshTokens = new Set<string>();
  const accessTokens = new Set<string>();
  let n = 0;

  const answer = (req: Recorded, fields: Record<string, string>): Reply => {
    if (String(req.headers.accept).includes('application/json')) return { body: fields };
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(fields).toString(),
    };
  };
  const authenticated = (req: Recorded) => {
    const basic = req.headers.authorization?.replace(/^Basic /, '');
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent)
      : [req.form.get('client_id'), req.form.get('client_secret')];
    return id === clientId && secret === clientSecret;
  };
  const issue = (req: Recorded, scope: string): Reply => {
    n++;
    const at = `gho_access${n}xxxxxxxxxxxxxxxx`;
    const rt = `ghr_refresh${n}xxxxxxxxxxxxxxx`;
    accessTokens.add(at);
    refreshTokens.add(rt);
    return answer(req, {
      access_token: at,
      token_type: 'bearer',
      scope,
      expires_in: '28800',
      refresh_token: rt,
    });
  };

  const server = await startServer((req) => {
    if (req.path === '/api/user') {
      if (!req.headers['user-agent'] || req.headers['user-agent'] === 'node') {
        return { status: 403, body: { message: 'Request forbidden by administrative rules.' } };
      }
      const token = req.headers.authorization?.replace(/^(Bearer|token) /i, '');
      if (!token || !accessTokens.has(token))
        return { status: 401, body: { message: 'Bad credentials' } };
      return { body: { login: 'octocat', id: 1 } };
    }
    if (req.path !== '/login/oauth/access_token') return { status: 404, body: 'not found' };
    if (!authenticated(req))
      return answer(req, {
        error: 'incorrect_client_credentials',
        error_description: 'The client_id and/or client_secret passed are incorrect.',
      });
    if (req.form.get('grant_type') === 'refresh_token') {
      const rt = req.form.get('refresh_token') ?? '';
      if (!refreshTokens.delete(rt))
        return answer(req, {
          error: 'bad_refresh_token',
          error_description: 'The refresh token passed is incorrect or expired.',
        });
      return issue(req, 'repo,gist');
    }
    const code = req.form.get('code') ?? '';
    const scope = codes.get(code);
    if (scope === undefined)
      return answer(req, {
        error: 'bad_verification_code',
        error_description: 'The code passed is incorrect or expired.',
      });
    codes.delete(code);
    return issue(req, scope);
  });
  return Object.assign(server, {
    clientId,
    clientSecret,
    issueCode: (code: string, scope = 'repo,gist') => void codes.set(code, scope),
  });
}
