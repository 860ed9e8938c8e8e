import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { DependencyUnavailable, PROBLEM_CONTENT_TYPE, ProblemException, statusTitle, type ProblemDetails } from './problem';

/**
 * The one global exception filter, so no route can answer an error in another shape: every error
 * leaves as application/problem+json (RFC 9457). A 5xx never carries the error's own message or
 * stack — those go to the log only.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    this.logger.setContext('ProblemDetailsFilter');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();
    const instance = (request.originalUrl ?? request.url ?? '/').split('?')[0] ?? '/';
    const { problem, headers } = problemFromException(exception, instance);
    logServerProblem(this.logger, exception, problem);
    if (response.headersSent) {
      response.end();
      return;
    }
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).json(problem);
  }
}

/** 5xx answers are logged (4xx are the client's business); the internals go here, never to the client. */
export function logServerProblem(logger: PinoLogger, exception: unknown, problem: ProblemDetails): void {
  if (problem.status < 500) return;
  const { status, instance } = problem;
  if (exception instanceof DependencyUnavailable) {
    // Expected during an outage: one compact line per request, not a stack each.
    const cause = exception.cause instanceof Error ? exception.cause.message : undefined;
    logger.warn({ status, instance, dependency: exception.dependency, cause }, `${exception.dependency} unavailable`);
  } else if (exception instanceof HttpException && status === 503) {
    // An unhealthy readiness probe: its checks say why.
    logger.warn({ status, instance, checks: problem.checks }, 'not ready');
  } else {
    logger.error({ err: exception, status, instance }, 'request failed');
  }
}

/** The problem document (and extra headers) for any thrown value; 5xx details never carry the error's text. */
export function problemFromException(
  exception: unknown,
  instance: string,
): { problem: ProblemDetails; headers: Record<string, string> } {
  if (exception instanceof ProblemException) {
    return {
      problem: {
        type: exception.problemType,
        title: exception.title,
        status: exception.getStatus(),
        detail: exception.message,
        instance,
        ...exception.extensions,
      },
      headers: exception.headers,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const extensions: Record<string, unknown> = {};
    // Terminus answers an unhealthy check with its result; keep it for operators (no secrets in it).
    if (typeof body === 'object' && body !== null && 'details' in body && 'status' in body) {
      extensions.checks = (body as { details: unknown }).details;
    }
    return {
      problem: {
        type: 'about:blank',
        title: statusTitle(status),
        status,
        detail: status >= 500 ? defaultDetail(status) : httpExceptionDetail(exception),
        instance,
        ...extensions,
      },
      headers: {},
    };
  }
  // body-parser (JSON syntax, size limit) raises plain errors carrying a 4xx status.
  const status = clientErrorStatus(exception);
  if (status) {
    return {
      problem: { type: 'about:blank', title: statusTitle(status), status, detail: bodyParserDetail(exception, status), instance },
      headers: {},
    };
  }
  return {
    problem: {
      type: 'about:blank',
      title: statusTitle(HttpStatus.INTERNAL_SERVER_ERROR),
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: defaultDetail(HttpStatus.INTERNAL_SERVER_ERROR),
      instance,
    },
    headers: {},
  };
}

function defaultDetail(status: HttpStatus): string {
  return status === HttpStatus.SERVICE_UNAVAILABLE
    ? 'The service is temporarily unavailable; try again shortly.'
    : 'An unexpected error occurred; it has been logged.';
}

function httpExceptionDetail(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function clientErrorStatus(exception: unknown): number | null {
  if (typeof exception !== 'object' || exception === null) return null;
  const status = (exception as { status?: unknown; statusCode?: unknown }).status ?? (exception as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

function bodyParserDetail(exception: unknown, status: number): string {
  const type = (exception as { type?: unknown }).type;
  if (type === 'entity.too.large') return 'The request body is too large.';
  if (type === 'entity.parse.failed') return 'The request body is not valid JSON.';
  if (status === 415) return 'Unsupported content type or encoding.';
  return statusTitle(status);
}
