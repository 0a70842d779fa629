/**
 * How an app run as a test's child process ends: on SIGTERM, or when its stdin closes (so it
 * never outlives a test runner that died without stopping it), closing cleanly within 3 s.
 */

/** Closes `close()` and exits on SIGTERM or the end of stdin; the first of them wins. */
export function exitWithParent(close: () => Promise<void>): void {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), 3000).unref();
    void close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
}
