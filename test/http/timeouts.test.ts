/**
 * The server sets its timeouts deliberately (src/http/listen.ts): a body sent one byte at a time
 * is cut off once the request timeout has passed, and the open-link questionnaire pages (whose
 * hidden state carries earlier answers) are never cached.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { questionnaireByGroup, startApp, theStudy, type Running } from './helpers.ts';

let app: Running;
afterEach(async () => {
  await app.close();
});

describe('server timeouts', () => {
  it('cuts off a body that trickles in one byte at a time', async () => {
    app = await startApp({ config: { rateLimit: 'off' }, timeouts: { requestMs: 1_000, headersMs: 800, keepAliveMs: 500, checkMs: 200 } });
    const { port } = new URL(app.url);
    const started = Date.now();
    const closedAfter = await new Promise<number>((resolve, reject) => {
      // The server closes the connection; the test's own timer only catches a server that does not.
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST /api/v1/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n');
        const timer = setInterval(() => socket.write('{'), 200);
        socket.on('close', () => {
          clearInterval(timer);
          resolve(Date.now() - started);
        });
      });
      socket.on('error', () => undefined); // writing to the socket the server closed: expected
      setTimeout(() => reject(new Error('the connection stayed open')), 10_000).unref();
    });
    expect(closedAfter).toBeLessThan(5_000);
  });
});

describe('caching', () => {
  it('sends Cache-Control: no-store on open-link questionnaire pages', async () => {
    app = await startApp({ config: { rateLimit: 'off' } });
    const study = theStudy(app.definitions);
    const leaders = questionnaireByGroup(study, /leder/i);
    const res = await fetch(`${app.url}/s/${study.id}/${leaders.id}/p/1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
