/**
 * Where the web layer reports what the user does not see: a logger of pino's shape
 * (`debug/info/warn/error(fields, message)`), or the console by default. Lines name events,
 * codes and hosts, never a token, secret, code, state, verifier, cookie value or session id.
 *
 * @module
 */

import type { Logger, LogMethod } from '../options.js';

export type { Logger, LogMethod } from '../options.js';

/**
 * The first logger shape of the handlers (warn only). Any `HandlerLogger` is a {@link Logger}.
 *
 * @deprecated use {@link Logger}
 */
export interface HandlerLogger {
  /** One warning: `fields` name codes and hosts, never a secret; `message` is one short line. */
  warn(fields: Record<string, unknown>, message: string): void;
}

/** A log level of {@link Logger}. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The default logger: quiet for `debug` and `info` (a library must not chatter on every login
 * and refresh), `console.warn` / `console.error` with the plain message for `warn` and `error`
 * (each line names its code and host in words, so the fields add nothing a reader needs; what
 * reaches these levels is something an operator should see even with no logger configured).
 */
export const consoleLogger: Readonly<Required<Pick<Logger, 'warn' | 'error'>>> & Logger =
  Object.freeze({
    warn: (_fields: Record<string, unknown>, message: string) => console.warn(message),
    error: (_fields: Record<string, unknown>, message: string) => console.error(message),
  });

/** A logger that writes nothing, for tests and apps that log elsewhere. */
export const silentLogger: Logger = Object.freeze({});

/**
 * Writes one line at `level` when the logger has that level; a logger that throws never breaks
 * the request that logged.
 */
export function writeLog(
  logger: Logger,
  level: LogLevel,
  fields: Record<string, unknown>,
  message: string,
): void {
  const method: LogMethod | undefined = logger[level];
  if (typeof method !== 'function') return;
  try {
    method.call(logger, fields, message);
  } catch {
    // Logging is best effort: the answer to the user matters more than the line.
  }
}
