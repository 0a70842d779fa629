/**
 * A fetched Response whose body reads are held to the exchange's deadline: the deadline ends when
 * a read settles, and a failed read is a typed error.
 *
 * @module
 */

import { type Deadline, networkFailure } from './deadline.js';

/** What a watched response's readers settle: its deadline, and the URL for error messages. */
interface Watch {
  readonly limit: Deadline;
  readonly url: string;
  readonly redirected: boolean;
}

const watches = new WeakMap<Response, Watch>();

/** Ends the deadline when a read settles; a failed read is what {@link failure} says. */
export function settle<T>(response: Response, read: Promise<T>): Promise<T> {
  const watch = watches.get(response);
  if (!watch) return read;
  return read.then(
    (body) => {
      watch.limit.clear();
      return body;
    },
    (error: unknown) => {
      watch.limit.clear();
      throw networkFailure(error, watch.limit, watch.url);
    },
  );
}

/**
 * A Response whose whole-body readers end the deadline when they settle. A fetched Response is
 * given this prototype rather than its body piped through a stream of our own: that costs a
 * tenth of a loopback request's throughput, this next to nothing. A caller reading `body` as a
 * stream is bound by the deadline and its own signal all the same (fetch ties them to the
 * stream); the timer then fires after the last byte, to no effect.
 */
class WatchedResponse extends Response {
  override get redirected(): boolean {
    return watches.get(this)?.redirected || super.redirected;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return settle(this, super.arrayBuffer());
  }
  override blob(): Promise<Blob> {
    return settle(this, super.blob());
  }
  override formData(): Promise<FormData> {
    return settle(this, super.formData());
  }
  override json(): Promise<unknown> {
    return settle(this, super.json());
  }
  override text(): Promise<string> {
    return settle(this, super.text());
  }
}

// `bytes()` is newer than some runtimes (Node 20 has none): watched where it exists.
const bytes = (Response.prototype as { bytes?: (() => Promise<Uint8Array>) | undefined }).bytes;
if (bytes) {
  Object.defineProperty(WatchedResponse.prototype, 'bytes', {
    value(this: Response) {
      return settle(this, bytes.call(this));
    },
  });
}

/** The response with its body reads watched (see {@link WatchedResponse}). */
export function watchBody(
  response: Response,
  limit: Deadline,
  url: string,
  redirected: boolean,
): Response {
  if (!response.body) limit.clear();
  watches.set(response, { limit, url, redirected });
  return Object.setPrototypeOf(response, WatchedResponse.prototype);
}
