/**
 * A hostile provider API on a free loopback port: per path, an answer chosen by the test (a
 * redirect to another origin, a gzip bomb, a huge plain body, a body that drips one byte at a
 * time until the client goes away, or plain JSON), and a record of every request and of every
 * connection opened and closed. A second instance with no answers is the "other origin" a
 * redirect points at: it must see no request.
 *
 * Nothing secret is recorded: of a request's headers only whether it carried credentials.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createGzip } from 'node:zlib';

/** Writes the answer to one request. */
export type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** One request as the hostile API saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** The connection (see {@link HostileApi.connections}) it came on. */
  connection: number;
  /** Whether it carried an `Authorization` or `Cookie` header (the value is never kept). */
  credentials: boolean;
  /** Whether it carried a body (bytes received). */
  bodyBytes: number;
}

/** A running hostile API. */
export interface HostileApi {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Sets (or replaces) the answer for an exact path; other paths answer 404. */
  route(path: string, answer: Answer): void;
  readonly requests: readonly RecordedRequest[];
  /** Connections opened and closed so far, and the ids of those still open. */
  readonly connections: { opened: number; closed: number; open: ReadonlySet<number> };
  /** Resolves when connection `id` is closed (at once if it already is). */
  closed(id: number): Promise<void>;
  /** Bytes written in answer bodies so far (what a client was sent, compressed or not). */
  readonly bytesSent: number;
  close(): Promise<void>;
}

/** Starts a hostile API; answers for paths are set with {@link HostileApi.route}. */
export async function startHostileApi(): Promise<HostileApi> {
  const answers = new Map<string, Answer>();
  const requests: RecordedRequest[] = [];
  const open = new Set<number>();
  const waiters = new Map<number, (() => void)[]>();
  const ids = new WeakMap<Socket, number>();
  const counts = { opened: 0, closed: 0, bytesSent: 0 };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://hostile.invalid').pathname;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      connection: ids.get(req.socket) ?? 0,
      credentials: req.headers.authorization !== undefined || req.headers.cookie !== undefined,
      bodyBytes: 0,
    };
    requests.push(record);
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function')
        counts.bytesSent += Buffer.byteLength(chunk as Buffer);
      return write(chunk, ...rest);
    }) as typeof res.write;
    req.on('data', (chunk: Buffer) => {
      record.bodyBytes += chunk.byteLength;
    });
    req.on('end', () => {
      const answer = answers.get(path);
      if (answer) answer(req, res);
      else
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    });
  });
  server.on('connection', (socket: Socket) => {
    const id = ++counts.opened;
    ids.set(socket, id);
    open.add(id);
    socket.once('close', () => {
      open.delete(id);
      counts.closed++;
      for (const wake of waiters.get(id) ?? []) wake();
      waiters.delete(id);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    route: (path, answer) => void answers.set(path, answer),
    requests,
    connections: {
      get opened() {
        return counts.opened;
      },
      get closed() {
        return counts.closed;
      },
      open,
    },
    closed: (id) =>
      open.has(id)
        ? new Promise((resolve) => waiters.set(id, [...(waiters.get(id) ?? []), resolve]))
        : Promise.resolve(),
    get bytesSent() {
      return counts.bytesSent;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A JSON answer. */
export const json =
  (body: unknown, status = 200): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

/** A redirect (302, 307, ...) to `location`. */
export const redirect =
  (status: number, location: string): Answer =>
  (_req, res) => {
    res.writeHead(status, { location, 'content-length': '0' });
    res.end();
  };

/**
 * A gzip bomb: the compressed bytes of `{"login":"aaaa...` inflating to `inflatedBytes`, built
 * by streaming 1 MiB blocks through `node:zlib` (512 MiB compress to about 0.5 MB; nothing
 * large is ever held or written to disk).
 */
export async function gzipBomb(inflatedBytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9, memLevel: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    gzip.once('end', resolve);
    gzip.once('error', reject);
  });
  const block = Buffer.alloc(1 << 20, 'a');
  const head = Buffer.from('{"login":"');
  gzip.write(head);
  for (let left = inflatedBytes - head.length; left > 0; left -= block.length) {
    const more = gzip.write(left >= block.length ? block : block.subarray(0, left));
    if (!more) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await ended;
  return Buffer.concat(out);
}

/** Serves a {@link gzipBomb} as JSON with `Content-Encoding: gzip` (its true compressed length). */
export const gzipped =
  (compressed: Buffer): Answer =>
  (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
      'content-length': String(compressed.length),
    });
    res.end(compressed);
  };

/**
 * A plain body of `bytes` bytes (`{"login":"aaaa...`), streamed with backpressure and stopped
 * when the client goes away; chunked (no length declared) unless `declareLength`, so a reader
 * must bound what it reads rather than trust a header.
 */
export const huge =
  (bytes: number, declareLength = false): Answer =>
  (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      ...(declareLength ? { 'content-length': String(bytes) } : {}),
    });
    const block = Buffer.alloc(64 * 1024, 'a');
    block.write('{"login":"');
    let left = bytes;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const chunk = left >= block.length ? block : block.subarray(0, left);
        left -= chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  };

/**
 * A body that never ends: the headers at once, then one byte every `intervalMs` until the client
 * closes the connection (each byte is well within any idle timeout, so only a deadline over the
 * whole exchange ends it).
 */
export const drip =
  (intervalMs = 100): Answer =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.write('{');
    const timer = setInterval(() => {
      if (!res.destroyed) res.write(' ');
    }, intervalMs);
    res.once('close', () => clearInterval(timer));
  };
