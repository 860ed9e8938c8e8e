import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE } from './problem';

/**
 * Requests Node's HTTP parser refuses — a malformed request line or header, headers over 16 kB,
 * Content-Length together with chunked encoding — never reach Express, and Node answers them with
 * a bare 400/431 and no body. Clients should see every refusal as application/problem+json with
 * the same security headers as any other answer, so the server writes them itself (Node's documented
 * `clientError` pattern; same statuses as Node's own handler).
 */
export function installClientErrorProblems(server: Server, securityHeaders: readonly (readonly [string, string])[]): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler: answer only on a socket nothing was written to yet (the parser can
    // fail on bytes after a request the app has already answered; a second answer would corrupt it).
    const written = (socket as Partial<Socket>).bytesWritten ?? 0;
    if (error.code === 'ECONNRESET' || !socket.writable || written > 0) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(error.code);
    const body = JSON.stringify({
      type: 'about:blank',
      title: STATUS_CODES[status] ?? 'Bad Request',
      status,
      detail: CLIENT_ERROR_DETAIL[status] ?? 'The request is not valid HTTP.',
      instance: '/',
    });
    const headers: (readonly [string, string])[] = [
      ...securityHeaders,
      ['Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`],
      ['Content-Length', String(Buffer.byteLength(body))],
      ['Connection', 'close'],
    ];
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}`);
  });
}

const CLIENT_ERROR_DETAIL: Record<number, string> = {
  400: 'The request is not valid HTTP.',
  408: 'The request did not arrive in time.',
  413: 'The request is too large.',
  431: 'The request line or headers are too large.',
};

/** Node's status for each parser error (lib/_http_server.js). */
export function clientErrorStatus(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return 413;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}
