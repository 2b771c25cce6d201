import { ConfigError } from '../core/errors';
import type { LogDetails, PingSessionLogger } from '../core/logger';

const SILENT: PingSessionLogger = { warn() {}, info() {} };

/** The `logger` option as the middleware calls it: `console` by default, nothing with `false`. */
export function resolveLogger(given: PingSessionLogger | false | undefined): PingSessionLogger {
  return adaptLogger(checkLogger(given ?? console) || SILENT);
}

/** What pino's loggers have and console-style ones do not. */
interface PinoStyle {
  bindings(): unknown;
  child(bindings: object): unknown;
  levels: object;
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/**
 * The logger as the middleware calls it: `(message, details)`, the order of `console`, winston
 * and most loggers. A pino logger (recognised by its `bindings`, `child` and `levels`) takes
 * `(fields, message)` instead and is adapted, so its JSON lines carry `event` and the other
 * details as fields and the message as `msg`.
 */
export function adaptLogger(logger: PingSessionLogger): PingSessionLogger {
  if (!isPinoStyle(logger)) return logger;
  const pino = logger;
  return {
    error: (message: string, details: LogDetails) => pino.error(details, message),
    warn: (message: string, details: LogDetails) => pino.warn(details, message),
    info: (message: string, details: LogDetails) => pino.info(details, message),
  };
}

function isPinoStyle(logger: object): logger is PinoStyle {
  const candidate = logger as Partial<PinoStyle>;
  return (
    typeof candidate.bindings === 'function' &&
    typeof candidate.child === 'function' &&
    typeof candidate.levels === 'object' &&
    typeof candidate.error === 'function'
  );
}

function checkLogger(value: unknown): PingSessionLogger | false {
  if (value === false) return false;
  const logger = value as Partial<PingSessionLogger> | null;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    typeof logger.warn !== 'function' ||
    typeof logger.info !== 'function'
  ) {
    throw new ConfigError(
      'ERR_PINGONE_LOGGER',
      'logger must have warn(message, details) and info(message, details) methods (console does), or be false.',
    );
  }
  return value as PingSessionLogger;
}
