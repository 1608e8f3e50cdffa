import { createServer, type Server } from 'node:http';
import { createApp, type CreateAppOptions, type HubApp } from './app.ts';
import { startCheckpointTimer } from './audit/checkpoint-timer.ts';
import type { HubConfig } from './config.ts';
import { startPlannerStatisticsTimer } from './db/planner-statistics-timer.ts';
import { startStoreDrainTimer } from './insights/store-drain-timer.ts';

export interface RunningHub {
  readonly app: HubApp;
  readonly server: Server;
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The process entry: config → app → listen. `prepare` runs between building the app and listening (the
 * demo seeds there), so the port opens only on a hub that is ready to answer.
 */
export async function startHub(config: HubConfig, prepare?: (app: HubApp) => Promise<void>, options: CreateAppOptions = {}): Promise<RunningHub> {
  const app = await createApp(config, options);
  try {
    await prepare?.(app);
  } catch (error) {
    await app.close();
    throw error;
  }
  const server = createServer(app.handler);
  // Keep-alive sockets must not hold a graceful shutdown open for minutes.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}`;
  app.logger.info({ event: 'hub.listening', url, database: app.database.target.kind }, 'hub listening');
  // Signed checkpoints of the audit chains at intervals (createApp alone, as tests use it, starts none).
  const stopCheckpoints = startCheckpointTimer(
    { db: app.database.session({ role: 'hub_audit' }), signingKey: app.signingKey, hubId: config.hubId, now: () => new Date() },
    config.checkpointIntervalSeconds,
    app.logger,
  );
  // The embedded database has no autovacuum: without fresh statistics its planner misjudges grown tables.
  const stopStatistics =
    app.database.target.kind === 'pglite' ? startPlannerStatisticsTimer(app.database.db, config.analyzeIntervalSeconds, app.logger) : () => {};

  // Ingest queues the analytic store's refresh; applied here between queries rather than by the next one.
  const stopDrain = startStoreDrainTimer(app.database.db, config.storeDrainIntervalSeconds, app.logger);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      app.logger.info({ event: 'hub.stopping' }, 'stopping: finishing open requests');
      stopCheckpoints();
      stopStatistics();
      stopDrain();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await app.close();
      app.logger.info({ event: 'hub.stopped' }, 'stopped');
    })();
    return stopping;
  };
  return { app, server, url, stop };
}

/** Stops the hub cleanly on SIGINT/SIGTERM: no new connections, open requests finish, the database closes. */
export function stopOnSignals(hub: RunningHub): void {
  const onSignal = (signal: NodeJS.Signals) => {
    hub.app.logger.info({ event: 'hub.signal', signal }, 'signal received');
    hub.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        hub.app.logger.error({ event: 'hub.stop_failed', err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
