import { auth } from '../../lib/auth.js';

export const dynamic = 'force-dynamic';

/** `GET /logout` (the app's own links) and `POST /logout` (a form with the CSRF token). */
export const GET = (request: Request): Promise<Response> => auth().logout(request);
export const POST = GET;
