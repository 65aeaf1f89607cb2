/**
 * Listening: the one way the app is put on a port (npm start and the tests), with deliberate
 * timeouts, so a client that sends a body one byte at a time, or never finishes its headers,
 * cannot hold a connection open.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export const TIMEOUTS = {
  /** The whole request, headers and body (1 MB at most), must arrive within this. */
  requestMs: 30_000,
  /** The headers must arrive within this. */
  headersMs: 10_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: 5_000,
  /** How often open requests are checked against the two request timeouts (Node's default is 30 s). */
  checkMs: 2_000,
} as const;

export type Timeouts = { [K in keyof typeof TIMEOUTS]: number };

export async function listen(app: Express, port: number, host: string, timeouts: Timeouts = TIMEOUTS): Promise<{ server: Server; port: number }> {
  const server = createServer(
    { requestTimeout: timeouts.requestMs, headersTimeout: timeouts.headersMs, keepAliveTimeout: timeouts.keepAliveMs, connectionsCheckingInterval: timeouts.checkMs },
    app,
  );
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
  return { server, port: (server.address() as AddressInfo).port };
}
