import { auth } from '../../lib/auth.js';

export const dynamic = 'force-dynamic';

/** `GET /callback`: the code exchanged for a token, kept in the sealed session cookie. */
export const GET = (request: Request): Promise<Response> => auth().callback(request);
