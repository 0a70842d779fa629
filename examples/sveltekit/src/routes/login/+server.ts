import type { RequestHandler } from '@sveltejs/kit';
import { auth } from '../../lib/auth.js';

/** `GET /login`: to the provider, with state and PKCE kept in a login transaction cookie. */
export const GET: RequestHandler = ({ request }) => auth().login(request);
