import { createApp, type HubApp } from '../app.ts';
import { parseConfig } from '../config.ts';
import { createLogger } from '../server/logger.ts';

/** Opens the hub for a one-shot command (quiet logs), runs `work`, and always closes the database. */
export async function withApp<T>(work: (app: HubApp) => Promise<T>): Promise<T> {
  const config = parseConfig();
  const app = await createApp(config, { logger: createLogger('warn') });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
