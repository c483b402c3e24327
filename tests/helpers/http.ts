// Real HTTP against an app from buildTestApp (app.listen on a free loopback port, global fetch), and
// the assertions every test makes about the contract's error body.
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { LISTEN_BACKLOG } from '../../server/app.ts';

/**
 * Starts listening on 127.0.0.1:<free port> and returns the base URL (no trailing slash). The accept
 * backlog is the server's (server.ts), so a crowd of connections is queued by the kernel, not reset.
 */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG });
  const { port } = app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function request<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: the assertion that follows will say so */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** The secret token inside a manageUrl (…/iscrizione/<token>). */
export function tokenOf(registration: { manageUrl: string | null }): string {
  expect(registration.manageUrl).toBeTypeOf('string');
  return new URL(registration.manageUrl!).pathname.split('/').pop()!;
}

/**
 * docs/http-api.md, "Errors": { statusCode, code, message } (plus the optional `fields`/`reason`/`missing` details),
 * with statusCode equal to the HTTP status. Returns the body for further checks.
 */
export function expectErrorShape(status: number, body: unknown, expected: { status?: number; code?: string } = {}) {
  expect(body, `error body for HTTP ${status}`).toBeTypeOf('object');
  const b = body as Record<string, unknown>;
  expect(b.statusCode).toBe(status);
  expect(b.code).toMatch(/^[a-z][a-z_]*$/);
  expect(b.message).toBeTypeOf('string');
  expect((b.message as string).length).toBeGreaterThan(0);
  for (const key of Object.keys(b)) expect(['statusCode', 'code', 'message', 'fields', 'reason', 'missing']).toContain(key);
  if (expected.status !== undefined) expect(status).toBe(expected.status);
  if (expected.code !== undefined) expect(b.code).toBe(expected.code);
  return b as { statusCode: number; code: string; message: string; fields?: { field: string; message: string }[] };
}
