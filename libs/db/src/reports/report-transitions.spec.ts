import { ReportStatus } from '../entities/report.entity';
import { isTerminal, isTransitionAllowed, REPORT_TRANSITIONS, type ReportTransition } from './report-transitions';

const { queued, running, complete, failed, cancelled, expired } = ReportStatus;
const ALL_STATUSES = Object.values(ReportStatus);

/** The lifecycle as the issue states it, written out by hand (not derived from the table under test). */
const ALLOWED: Record<ReportTransition, ReportStatus[]> = {
  start: [queued, running],
  requeue: [queued, running],
  complete: [running],
  fail: [queued, running],
  cancel: [queued, running],
  expire: [complete],
};

const cases = (Object.keys(ALLOWED) as ReportTransition[]).flatMap((transition) =>
  ALL_STATUSES.map((from) => [transition, from, ALLOWED[transition].includes(from)] as const),
);

describe('report transitions', () => {
  it.each(cases)('%s from %s is allowed: %s', (transition, from, allowed) => {
    expect(isTransitionAllowed(transition, from)).toBe(allowed);
  });

  it('covers every transition of the table', () => {
    expect(Object.keys(REPORT_TRANSITIONS).sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it('never moves a terminal report, except complete → expired', () => {
    for (const [name, { from }] of Object.entries(REPORT_TRANSITIONS)) {
      const terminalSources = (from as readonly ReportStatus[]).filter(isTerminal);
      expect([name, terminalSources]).toEqual([name, name === 'expire' ? [complete] : []]);
    }
  });

  it.each([
    [queued, false],
    [running, false],
    [complete, true],
    [failed, true],
    [cancelled, true],
    [expired, true],
  ])('%s is terminal: %s', (status, terminal) => {
    expect(isTerminal(status)).toBe(terminal);
  });
});
