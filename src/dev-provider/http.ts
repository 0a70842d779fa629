import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** A request the server refuses before reaching an endpoint (body too large, bad encoding). */
export class RequestRejected extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'RequestRejected';
    this.status = status;
  }
}

/** Reads the body as UTF-8, refusing more than `limit` bytes with 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new RequestRejected(413, 'request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RequestRejected(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Parameters of a form (`application/x-www-form-urlencoded`) or JSON object body; GitHub's
 * token endpoint takes both. JSON values that are not strings are ignored.
 */
export function parseParams(body: string, contentType: string | undefined): URLSearchParams {
  if (!mediaTypeIs(contentType, 'application/json')) return new URLSearchParams(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new RequestRejected(400, 'body is not valid json');
  }
  const params = new URLSearchParams();
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') params.set(k, v);
  }
  return params;
}

function mediaTypeIs(header: string | undefined, type: string): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === type;
}

/** Whether the client asked for JSON (`Accept: application/json`), as GitHub's token endpoint reads it. */
export function acceptsJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.split(',').some((part) => mediaTypeIs(part, 'application/json'));
}

/** HTTP Basic credentials (RFC 6749 section 2.3.1: both parts form-urlencoded), if present. */
export function basicCredentials(
  req: IncomingMessage,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    return { clientId, clientSecret };
  } catch {
    return undefined;
  }
}

/** Ends the response with a status, headers and a body. */
export function send(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body = '',
): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Answers JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  send(
    res,
    status,
    { 'content-type': 'application/json; charset=utf-8', ...headers },
    JSON.stringify(value),
  );
}

/** 302 to `location`; never cached, and the code in it is not leaked by a Referer. */
export function redirect(res: ServerResponse, location: string): void {
  send(res, 302, { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
}

/** Redirects to `target` with `params` added to its query (keeping the query it has). */
export function redirectWith(
  res: ServerResponse,
  target: string,
  params: Record<string, string | undefined>,
): void {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  redirect(res, url.href);
}

/** A GitHub REST API error: `{"message", "documentation_url", "status"}`. */
export function sendApiError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, {
    message,
    documentation_url: 'https://docs.github.com/rest',
    status: String(status),
  });
}
