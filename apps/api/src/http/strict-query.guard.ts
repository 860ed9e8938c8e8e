import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import type { Request } from 'express';
import { invalidRequest } from '../problem/problem';

const OWN_QUERY_VALIDATION = 'store-uptime:validates-its-own-query';

/**
 * For a handler that validates its whole query with a strict schema itself (unknown parameters
 * included), so that one 400 lists every bad parameter, unknown or malformed, together.
 */
export const ValidatesItsOwnQuery = () => SetMetadata(OWN_QUERY_VALIDATION, true);

/**
 * Query parameters an operation does not take are refused (400, each listed in `errors`) rather
 * than silently ignored, so a typo (`reportid=`) is seen at once. What an operation takes is what
 * its `@ApiQuery` decorators declare: the document and the check cannot disagree.
 */
@Injectable()
export class StrictQueryGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const given = Object.keys(request.query ?? {});
    if (given.length === 0 || this.reflector.get<boolean | undefined>(OWN_QUERY_VALIDATION, context.getHandler())) return true;
    const declared = this.reflector.get<{ in?: string; name?: string }[] | undefined>(DECORATORS.API_PARAMETERS, context.getHandler()) ?? [];
    const allowed = new Set(declared.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
    const unknown = given.filter((name) => !allowed.has(name));
    if (unknown.length > 0) {
      throw invalidRequest(
        `unknown query parameter(s): ${unknown.join(', ')}`,
        unknown.map((name) => ({ path: name, message: 'unknown query parameter' })),
      );
    }
    return true;
  }
}
