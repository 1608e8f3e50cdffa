import cliProgress from 'cli-progress';

export interface ProgressState {
  bytesRead: number;
  totalBytes: number;
  rows: number;
  accepted: number;
  rejected: number;
  /** Set while a batch waits to be re-sent. */
  retrying?: string;
}

export interface ProgressReporter {
  update(state: ProgressState): void;
  stop(state: ProgressState): void;
}

/** Reports nothing (tests, --quiet). */
export const silentProgress: ProgressReporter = { update: () => {}, stop: () => {} };

/**
 * Progress on `stream` (stderr): a cli-progress bar over the file's bytes with rows/s, accepted and
 * rejected when it is a terminal; a plain line every `intervalMs` when it is not (CI logs, pipes), so
 * logs do not fill with carriage returns.
 */
export function createProgressReporter(stream: NodeJS.WriteStream, options: { intervalMs?: number; now?: () => number } = {}): ProgressReporter {
  const now = options.now ?? (() => Date.now());
  const started = now();
  const rate = (rows: number) => {
    const seconds = (now() - started) / 1000;
    return seconds > 0 ? Math.round(rows / seconds) : 0;
  };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'push {bar} {percentage}% | {rows} rows | {rate} rows/s | accepted {accepted} | rejected {rejected}{retrying}',
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    const payload = (state: ProgressState) => ({
      rows: state.rows,
      rate: rate(state.rows),
      accepted: state.accepted,
      rejected: state.rejected,
      retrying: state.retrying === undefined ? '' : ` | retrying (${state.retrying})`,
    });
    return {
      update(state) {
        if (!running) {
          bar.start(Math.max(1, state.totalBytes), state.bytesRead, payload(state));
          running = true;
        } else {
          bar.update(state.bytesRead, payload(state));
        }
      },
      stop(state) {
        if (!running) return;
        bar.update(state.totalBytes, payload(state));
        bar.stop();
      },
    };
  }
  const intervalMs = options.intervalMs ?? 5_000;
  let lastLine = started;
  const line = (state: ProgressState) => {
    const percent = state.totalBytes > 0 ? Math.floor((state.bytesRead / state.totalBytes) * 100) : 100;
    stream.write(
      `push: ${state.rows} rows (${percent}%), ${rate(state.rows)} rows/s, accepted ${state.accepted}, rejected ${state.rejected}${state.retrying === undefined ? '' : `, retrying (${state.retrying})`}\n`,
    );
  };
  return {
    update(state) {
      if (now() - lastLine < intervalMs) return;
      lastLine = now();
      line(state);
    },
    stop(state) {
      line(state);
    },
  };
}
