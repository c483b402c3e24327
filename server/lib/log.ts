// Every line a process writes about itself goes through pino, as JSON, one object a line: what
// journald, Docker and a log shipper read, and the shape of the request log the app's Fastify logger
// already writes. Errors and fatal go to stderr, everything else to stdout, so a supervisor that tells
// the two apart (Docker's streams, a unit's StandardError=) sees failures on their own; server.ts hands
// the same pair to the app's Fastify logger. Writes are synchronous, so the line that explains an exit
// is out before process.exit().
import pino, { type Logger, type MultiStreamRes } from 'pino';

let streams: MultiStreamRes | undefined;

/** stdout for trace..warn, stderr for error and fatal (each line to one of them only). */
export function logStreams(): MultiStreamRes {
  streams ??= pino.multistream(
    [
      { level: 'trace', stream: pino.destination({ fd: 1, sync: true }) },
      { level: 'error', stream: pino.destination({ fd: 2, sync: true }) },
    ],
    { dedupe: true },
  );
  return streams;
}

/**
 * The logger of an entry point (server, worker, CLI): `name` says which process wrote the line. Its
 * lines are few and an operator needs them whatever LOG_LEVEL quiets in the request log (where it
 * listens, the database supervisor, why it stopped), so it writes info and above at any LOG_LEVEL, and
 * debug or trace when LOG_LEVEL asks for them.
 */
export function processLogger(name: string, logLevel = 'info'): Logger {
  return pino({ name, level: logLevel === 'debug' || logLevel === 'trace' ? logLevel : 'info' }, logStreams());
}
