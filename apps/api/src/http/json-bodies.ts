import type { NextFunction, Request, Response } from 'express';
import { unsupportedMediaType } from '../problem/problem';

/**
 * Every body this API takes is JSON. A body of another type (a form, text, no Content-Type at all)
 * is refused with 415 rather than left unparsed, which made the route act as if no body had been
 * sent (a POST /reports with a form body became a report with every default).
 */
export function requireJsonBodies() {
  return (request: Request, _response: Response, next: NextFunction) => {
    // req.is: null without a body; an empty body (Content-Length: 0) counts as none.
    const type = request.headers['content-length'] === '0' ? null : request.is(['application/json', 'application/*+json']);
    if (type === false) {
      next(unsupportedMediaType(request.headers['content-type']));
      return;
    }
    next();
  };
}
