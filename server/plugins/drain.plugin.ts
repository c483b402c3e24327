// Graceful stop of HTTP, the first step of server.ts's shutdown: `app.drain(ms)` stops accepting
// connections, lets the requests already running finish (at most `ms`), and answers any request that
// arrives meanwhile on a kept-alive connection with the contract's 503 and Retry-After.
//
// Why not just app.close(): Fastify's own answer while closing (return503OnClosing) has no `code` and no
// Retry-After, and Node's server.close() also destroys every idle kept-alive connection at once, so a
// request the client was writing on one at that instant meets a reset instead of an answer. Here the
// idle connections stay open through the drain; every answer given from now on (the running requests'
// too) says Connection: close, so clients leave each connection cleanly after its answer; whatever is
// still open at the end is closed then (idle ones first, then any request past the budget).
import net from 'node:net';
import type { ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import { msg } from '../lib/i18n.ts';
import { sendError } from './errors.plugin.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Stops accepting and waits for running requests (at most `ms`); resolves with how many were cut. */
    drain(ms: number): Promise<{ unfinished: number }>;
  }
}

/** Seconds a client should wait before trying again: a restart, or another node behind the proxy. */
const RETRY_AFTER_SECONDS = 5;

export default fp(
  async (app) => {
    let draining = false;
    const running = new Set<ServerResponse>();
    let settled: (() => void) | null = null;

    app.addHook('onRequest', async (req, reply) => {
      if (draining) {
        reply.raw.shouldKeepAlive = false;
        reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        return sendError(reply, req, 503, 'service_unavailable', msg('error_restarting'));
      }
      const res = reply.raw;
      running.add(res);
      // 'close' follows both a complete answer and a client that went away.
      res.once('close', () => {
        running.delete(res);
        if (running.size === 0) settled?.();
      });
    });

    // A close without a drain first (tests, a failed start) answers late requests the same way.
    app.addHook('preClose', async () => {
      draining = true;
    });

    app.decorate('drain', async (ms: number) => {
      draining = true;
      // The running requests' answers close their connection: no client sends another request on it.
      for (const res of running) if (!res.headersSent) res.shouldKeepAlive = false;
      // Stop listening without http.Server.close(), which would also destroy the idle connections now.
      if (app.server.listening) net.Server.prototype.close.call(app.server);
      if (running.size > 0) {
        await new Promise<void>((resolve) => {
          settled = resolve;
          setTimeout(resolve, ms).unref();
        });
      }
      const unfinished = running.size;
      app.server.closeIdleConnections();
      // Past the budget: the requests still running are cut (the rest of the shutdown cannot wait).
      if (unfinished > 0) app.server.closeAllConnections();
      return { unfinished };
    });
  },
  { name: 'drain', dependencies: ['errors'] },
);
