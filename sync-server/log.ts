// Minimal logging. The relay logs counts, codes and durations; never content, never device
// keys, and circle or document ids only at 'debug'. The default level says only that the
// server started or stopped and when storage fails.

export type LogLevel = 'silent' | 'error' | 'info' | 'debug';
export type LogFields = Readonly<Record<string, string | number | boolean>>;

export interface Logger {
  error(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  debug(event: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, info: 2, debug: 3 };

/** A logger writing one line per event (`event key=value ...`) at or above `level`. */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => console.error(line)): Logger {
  const emit = (at: LogLevel, event: string, fields?: LogFields) => {
    if (RANK[at] > RANK[level]) return;
    const rest = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join('') : '';
    write(`[relay] ${at} ${event}${rest}`);
  };
  return {
    error: (event, fields) => emit('error', event, fields),
    info: (event, fields) => emit('info', event, fields),
    debug: (event, fields) => emit('debug', event, fields),
  };
}

/** Reads a level name, falling back to `fallback` for anything else. */
export function parseLogLevel(value: string | undefined, fallback: LogLevel): LogLevel {
  return value === 'silent' || value === 'error' || value === 'info' || value === 'debug' ? value : fallback;
}
