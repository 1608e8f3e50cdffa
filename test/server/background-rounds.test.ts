import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startBackgroundRounds } from '../../src/background-rounds.ts';
import { createLogger } from '../../src/server/logger.ts';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('startBackgroundRounds', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never overlaps a round with the previous one, and stops when asked', async () => {
    let release = () => {};
    const round = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const stop = startBackgroundRounds('test.round', 1, round, createLogger('silent'));
    vi.advanceTimersByTime(1000);
    expect(round).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(3000);
    expect(round).toHaveBeenCalledTimes(1);
    release();
    await flush();
    vi.advanceTimersByTime(1000);
    expect(round).toHaveBeenCalledTimes(2);
    release();
    await flush();
    stop();
    vi.advanceTimersByTime(5000);
    expect(round).toHaveBeenCalledTimes(2);
  });

  it('logs a failed round as <event>_failed, without the error text, and tries again at the next tick', async () => {
    const lines: string[] = [];
    const round = vi.fn(() => Promise.reject(new Error('connect ECONNREFUSED secret-host')));
    const stop = startBackgroundRounds('test.round', 1, round, createLogger('error', { write: (line: string) => void lines.push(line) }));
    vi.advanceTimersByTime(1000);
    await flush();
    vi.advanceTimersByTime(1000);
    await flush();
    stop();
    expect(round).toHaveBeenCalledTimes(2);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ event: 'test.round_failed', err: { name: 'Error' } });
    expect(lines.join('\n')).not.toContain('secret-host');
  });

  it('runs nothing when the interval is 0', () => {
    const round = vi.fn(() => Promise.resolve());
    startBackgroundRounds('test.round', 0, round, createLogger('silent'))();
    vi.advanceTimersByTime(60_000);
    expect(round).not.toHaveBeenCalled();
  });
});
