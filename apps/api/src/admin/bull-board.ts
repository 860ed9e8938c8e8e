import { createHash, timingSafeEqual } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { QUEUES } from '@store-uptime/queue';
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

/**
 * Mounts Bull Board (the queue UI for operators) at /admin/queues behind basic auth. Not mounted
 * at all without credentials (issue 4), so a forgotten secret cannot expose it.
 */
export function mountBullBoard(app: INestApplication, credentials: { user: string; password: string }): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  const queue = app.get<Queue>(getQueueToken(QUEUES.reports));
  // @bull-board/express pins its own copy of @bull-board/api (9.10.1 vs 9.10.2), so the
  // adapter's declared type differs from ours though its shape is the same.
  createBullBoard({ queues: [new BullMQAdapter(queue)], serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'] });
  app.use(BULL_BOARD_PATH, basicAuth(credentials.user, credentials.password), serverAdapter.getRouter());
}
