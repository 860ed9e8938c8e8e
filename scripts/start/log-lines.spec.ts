import { formatLogLine } from './log-lines';

describe('formatLogLine', () => {
  it('turns a pino line into one readable line with the process, time, level, context and fields', () => {
    const line = JSON.stringify({ level: 30, time: Date.parse('2026-01-02T03:04:05.678Z'), pid: 7, hostname: 'h', app: 'worker', context: 'ReportPipeline', reportId: 'ab12', attempt: 1, msg: 'report complete' });
    expect(formatLogLine('worker-1', line)).toBe('03:04:05.678 worker-1 INFO  ReportPipeline: report complete reportId=ab12 attempt=1');
  });

  it('shows a request as method, path, status and duration, and an error by its message', () => {
    const line = JSON.stringify({ level: 50, time: 0, req: { method: 'POST', url: '/reports', headers: {} }, res: { statusCode: 503 }, responseTime: 12, err: { message: 'Redis down', stack: 'at …' }, msg: 'request errored' });
    expect(formatLogLine('api', line)).toBe('00:00:00.000 api      ERROR request errored POST /reports 503 12 ms error="Redis down"');
  });

  it('leaves out Nest’s start-up chatter, not its warnings', () => {
    expect(formatLogLine('api', JSON.stringify({ level: 30, time: 0, context: 'RouterExplorer', msg: 'Mapped {/reports, POST} route' }))).toBeNull();
    expect(formatLogLine('api', JSON.stringify({ level: 40, time: 0, context: 'NestFactory', msg: 'slow' }))).toBe('00:00:00.000 api      WARN  NestFactory: slow');
  });

  it('passes other lines through, prefixed', () => {
    expect(formatLogLine('api', 'DATABASE_URL: is required')).toBe('api      DATABASE_URL: is required');
    expect(formatLogLine('api', '42')).toBe('api      42');
  });
});
