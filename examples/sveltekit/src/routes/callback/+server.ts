import type { RequestHandler } from '@sveltejs/kit';
import { auth } from '../../lib/auth.js';

/** `GET /callback`: the code exchanged for a token, kept in the sealed session cookie. */
export const GET: RequestHandler = ({ request }) => auth().callback(request);
