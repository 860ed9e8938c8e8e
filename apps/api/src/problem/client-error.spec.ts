import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { clientErrorStatus, installClientErrorProblems } from './client-error';

describe('installClientErrorProblems', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    installClientErrorProblems(server, [['X-Content-Type-Options', 'nosniff']]);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  function send(raw: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', () => resolve(received));
      socket.write(raw);
    });
  }

  it.each([
    ['a header without a colon', 'GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n', 400],
    ['a 20 kB header', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, 431],
    ['Content-Length with chunked encoding', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
  ])('answers %s with a problem document and the security headers', async (_name, raw, status) => {
    const answer = await send(raw);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json; charset=utf-8/);
    expect(head).toMatch(/\r\nX-Content-Type-Options: nosniff/);
    expect(JSON.parse(body)).toMatchObject({ type: 'about:blank', status, title: expect.any(String), detail: expect.any(String), instance: '/' });
  });

  it('keeps serving valid requests', async () => {
    expect(await send('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1.1 200 [\s\S]*ok$/);
  });

  it('uses the status Node itself would', () => {
    expect([clientErrorStatus('HPE_HEADER_OVERFLOW'), clientErrorStatus('HPE_CHUNK_EXTENSIONS_OVERFLOW'), clientErrorStatus('ERR_HTTP_REQUEST_TIMEOUT'), clientErrorStatus('HPE_INVALID_METHOD')]).toEqual([
      431, 413, 408, 400,
    ]);
  });
});
