import type { RequestHandler } from '@sveltejs/kit';
import { auth } from '../../lib/auth.js';

/** `GET /logout` (the app's own links) and `POST /logout` (a form with the CSRF token). */
export const GET: RequestHandler = ({ request }) => auth().logout(request);
export const POST = GET;
