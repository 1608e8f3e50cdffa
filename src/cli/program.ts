import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { registerAuditCommand } from './audit.command.ts';
import { registerDemoCommand } from './demo.command.ts';
import { registerInsightsCommand } from './insights.command.ts';
import { registerKeysCommand } from './keys.command.ts';
import { registerLedgerCommand } from './ledger.command.ts';
import { registerMigrateCommand } from './migrate.command.ts';
import { registerPartiesCommand } from './parties.command.ts';
import { registerPayoutsCommand } from './payouts.command.ts';
import { registerPoliciesCommand } from './policies.command.ts';
import { registerPushCommand } from './push.command.ts';
import { registerSchemaCommand } from './schema.command.ts';
import { registerServeCommand } from './serve.command.ts';
import { registerTokensCommand } from './tokens.command.ts';

/** Builds the `tradein-hub` command; one file per command registers itself. */
export function buildProgram(): Command {
  const program = new Command('tradein-hub')
    .description('Trade-in Exchange Hub: standard, non-private data about traded-in devices, shared for declared purposes only.')
    .showHelpAfterError();
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerPartiesCommand(program);
  registerKeysCommand(program);
  registerTokensCommand(program);
  registerDemoCommand(program);
  registerSchemaCommand(program);
  registerPushCommand(program);
  registerAuditCommand(program);
  registerPayoutsCommand(program);
  registerLedgerCommand(program);
  registerPoliciesCommand(program);
  registerInsightsCommand(program);
  return program;
}

/** Runs the CLI; expected failures print one line and exit 1, never a stack trace. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const expected = error instanceof ConfigError || (error instanceof Error && 'code' in error && typeof error.code === 'string');
    process.stderr.write(`tradein-hub: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!expected && error instanceof Error && process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  }
}
