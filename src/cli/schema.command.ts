import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { printHubSchema } from '../graphql/schema.ts';
import { projectFile } from '../project-root.ts';

export const SDL_FILE = projectFile('schema.graphql');

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('the GraphQL SDL')
    .command('print')
    .description('print the SDL; --write updates the committed schema.graphql')
    .option('--write', 'write schema.graphql')
    .action(async (options: { write?: boolean }) => {
      const sdl = printHubSchema();
      if (options.write) {
        await fs.writeFile(SDL_FILE, sdl);
        process.stdout.write('wrote schema.graphql\n');
      } else {
        process.stdout.write(sdl);
      }
    });
}
