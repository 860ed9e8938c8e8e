import { computePlan } from './compute-runner';

describe('computePlan (COMPUTE_MODE)', () => {
  it('refuses COMPUTE_MODE=thread when the compiled thread entry is missing, naming the fix', () => {
    expect(() => computePlan('thread', '/no/such/dir/compute.thread.js')).toThrow(
      /COMPUTE_MODE=thread needs the compiled compute thread \/no\/such\/dir\/compute\.thread\.js.*npm run build.*COMPUTE_MODE=inline/,
    );
  });

  it('takes an existing compiled entry for COMPUTE_MODE=thread', () => {
    expect(computePlan('thread', __filename)).toEqual({ mode: 'thread', entry: __filename });
  });

  it('computes on the main thread only when COMPUTE_MODE=inline says so', () => {
    expect(computePlan('inline', '/no/such/dir/compute.thread.js')).toEqual({ mode: 'inline' });
  });
});
