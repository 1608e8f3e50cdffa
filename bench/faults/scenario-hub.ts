import path from 'node:path';
import { freshDatabase } from '../support/bench-database.ts';
import { HubProcess, prepareHub, type HubSetup } from './hub-fixture.ts';
import { spareLoopbackPort, type PrivatePostgres } from './private-postgres.ts';

/** The platform every fault scenario pushes as. */
export const FAULT_PLATFORM = 'fault-platform';

/** One scenario's hub: its own database on the private server, its data folder, one serving process. */
export interface ScenarioHub {
  setup: HubSetup;
  databaseUrl: string;
  port: number;
  /** The GraphQL endpoint. */
  endpoint: string;
  logFile: string;
  /** The process serving now (replaced by restart()). */
  hub: HubProcess;
  /** Starts a new `tradein-hub serve` on the same port (after the previous one died). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Creates database `name` on the private server, prepares the platform party and starts a hub on it. */
export async function startScenarioHub(server: PrivatePostgres, name: string, workDir: string): Promise<ScenarioHub> {
  const databaseUrl = await freshDatabase(name, server.url());
  const setup = await prepareHub(databaseUrl, [{ id: FAULT_PLATFORM, role: 'platform' }]);
  const logFile = path.join(workDir, `${name}.hub.log`);
  // The port must stay the same across hub restarts (the push keeps its endpoint); retry if it is taken meanwhile.
  let port = 0;
  let hub: HubProcess | undefined;
  for (let attempt = 1; hub === undefined; attempt += 1) {
    port = await spareLoopbackPort();
    try {
      hub = await HubProcess.start(setup, port, logFile);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
  const scenario: ScenarioHub = {
    setup,
    databaseUrl,
    port,
    endpoint: `${hub.url}/graphql`,
    logFile,
    hub,
    async restart() {
      scenario.hub = await HubProcess.start(setup, port, logFile);
    },
    async close() {
      await scenario.hub.stop();
      await setup.remove();
    },
  };
  return scenario;
}
