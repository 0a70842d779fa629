/**
 * A Node request body (an `IncomingMessage`, or the stream a framework handed on) as the Web
 * stream a Request takes: shared by the Node framework adapters.
 *
 * @module
 */

/**
 * A Node stream as a Web stream, read only as the handler pulls. Each chunk is copied out of
 * Node's Buffer, so no reader of the Web stream sees memory Node may use again. Cancelling (a
 * handler that stops at its limit) leaves the rest to Node, which discards it after the
 * answer: destroying the request would close the connection before the answer is written.
 *
 * @internal
 */
export function webStreamOf(stream: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const chunks = stream[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(new Uint8Array(next.value));
    },
  });
}
