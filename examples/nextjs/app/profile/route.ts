import { auth, userUrl } from '../../lib/auth.js';

export const dynamic = 'force-dynamic';

/** `GET /profile`: the provider's user JSON, read with the session's token; else to login. */
export const GET = (request: Request): Promise<Response> =>
  auth().withClient(request, async (client) => {
    const upstream = await client.get(userUrl());
    return new Response(await upstream.text(), {
      status: upstream.status,
      headers: { 'content-type': 'application/json' },
    });
  });
