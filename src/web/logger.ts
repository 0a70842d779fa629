/**
 * Where the handlers report what they cannot show the user (a failed revocation at logout):
 * a logger of pino's shape, or the console by default. Lines name codes and hosts, never a
 * token, secret, code or cookie value.
 *
 * @module
 */

/** A logger with pino's `warn(obj, msg)` shape (pino, bunyan-like, or a function of yours). */
export interface HandlerLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** The default logger: `console.warn` with the plain message (the fields are in it). */
export const consoleLogger: HandlerLogger = Object.freeze({
  warn: (_fields: Record<string, unknown>, message: string) => console.warn(message),
});
