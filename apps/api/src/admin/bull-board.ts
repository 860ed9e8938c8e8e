import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * HTTP basic auth in front of Bull Board. Hand-written (15 lines) rather than another dependency;
 * both sides are hashed first so the comparison is constant-time whatever the input length.
 */
export function basicAuth(user: string, password: string, realm = 'Bull Board'): RequestHandler {
  const expected = createHash('sha256').update(`${user}:${password}`).digest();
  return (request: Request, response: Response, next: NextFunction) => {
    const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() === 'basic' && encoded) {
      const given = createHash('sha256').update(Buffer.from(encoded, 'base64').toString('utf8')).digest();
      if (timingSafeEqual(given, expected)) {
        next();
        return;
      }
    }
    response.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    response
      .status(401)
      .type(PROBLEM_CONTENT_TYPE)
      .json({
        type: 'about:blank',
        title: 'Unauthorized',
        status: 401,
        detail: 'Credentials are required.',
        instance: request.originalUrl.split('?')[0],
      });
  };
}
