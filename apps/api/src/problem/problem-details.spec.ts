import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { DependencyUnavailable, reportNotFound } from './problem';
import { problemFromException } from './problem-details.filter';

describe('problemFromException', () => {
  it('renders a domain problem as thrown', () => {
    const { problem } = problemFromException(reportNotFound('f'.repeat(32)), '/reports/x');
    expect(problem).toEqual({
      type: 'urn:store-uptime:problem:report-not-found',
      title: 'Report not found',
      status: 404,
      detail: `There is no report ${'f'.repeat(32)}.`,
      instance: '/reports/x',
    });
  });

  it('maps Nest HTTP errors to about:blank with the status phrase', () => {
    expect(problemFromException(new NotFoundException('Cannot GET /x'), '/x').problem).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'Cannot GET /x',
    });
    expect(problemFromException(new BadRequestException(['a', 'b']), '/x').problem.detail).toBe('a; b');
  });

  it('never shows the text of an unexpected error', () => {
    const { problem } = problemFromException(new Error('password=hunter2 at db.internal:5432'), '/x');
    expect(problem).toMatchObject({ status: 500, title: 'Internal Server Error' });
    expect(JSON.stringify(problem)).not.toMatch(/hunter2|db\.internal/);
  });

  it('hides a 5xx HttpException message too', () => {
    const { problem } = problemFromException(new HttpException('pool exhausted on 10.0.0.7', 502), '/x');
    expect(problem.detail).not.toContain('10.0.0.7');
  });

  it('answers 503 with Retry-After for an unavailable dependency, without its cause', () => {
    const { problem, headers } = problemFromException(new DependencyUnavailable('queue', new Error('connect ECONNREFUSED 10.1.2.3:6379')), '/x');
    expect(problem).toMatchObject({ status: 503, type: 'urn:store-uptime:problem:dependency-unavailable' });
    expect(JSON.stringify(problem)).not.toContain('10.1.2.3');
    expect(headers).toEqual({ 'Retry-After': '5' });
  });

  it('keeps the checks of an unhealthy readiness probe', () => {
    const terminus = new ServiceUnavailableException({ status: 'error', info: {}, error: {}, details: { redis: { status: 'down' } } });
    expect(problemFromException(terminus, '/health/ready').problem.checks).toEqual({ redis: { status: 'down' } });
  });

  it.each([
    [{ status: 400, type: 'entity.parse.failed' }, 400, 'The request body is not valid JSON.'],
    [{ status: 413, type: 'entity.too.large' }, 413, 'The request body is too large.'],
  ])('renders body-parser errors %j', (error, status, detail) => {
    expect(problemFromException(error, '/reports').problem).toMatchObject({ status, detail });
  });
});
