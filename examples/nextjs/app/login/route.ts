import { auth } from '../../lib/auth.js';

export const dynamic = 'force-dynamic';

/** `GET /login`: to the provider, with state and PKCE kept in a login transaction cookie. */
export const GET = (request: Request): Promise<Response> => auth().login(request);
