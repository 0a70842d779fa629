/**
 * A CONNECT proxy on a free loopback port: every tunnel it opens goes to 127.0.0.1 on the
 * target's port, whatever host the CONNECT names, so a client can address a loopback server
 * through a name it cannot resolve itself (only the proxy "resolves" it). It counts the
 * tunnels per requested host; nothing of what passes through is read or kept.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** A running CONNECT proxy. */
export interface ConnectProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Tunnels opened so far, by the host the CONNECT named (without the port). */
  tunnels(host: string): number;
  /** Stops listening and ends every connection, tunnels included. */
  close(): Promise<void>;
}

/** Starts a proxy that tunnels every CONNECT to `127.0.0.1:<targetPort>`. */
export async function startConnectProxy(targetPort: number): Promise<ConnectProxy> {
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => {
    // Only tunnels: a plain proxied request is refused.
    res.writeHead(405, { connection: 'close' }).end();
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const host = (req.url ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    counts.set(host, (counts.get(host) ?? 0) + 1);
    const upstream = connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels: (host) => counts.get(host) ?? 0,
    close: () =>
      new Promise((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
