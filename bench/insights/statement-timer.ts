import {
  PostgresQueryCompiler,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

export interface TimedStatement {
  /** A short name: the statement's verb and first table, e.g. `insert into contributions`. */
  label: string;
  sql: string;
  parameters: readonly unknown[];
  ms: number;
}

/** `create temp table insight_base`, `insert into contributions`, `select … from insight_base` and so on. */
export function statementLabel(sqlText: string): string {
  const text = sqlText.replace(/\s+/g, ' ').trim();
  const verb = /^(create temp table \S+|insert into \S+|update \S+|drop table if exists \S+|delete from \S+)/i.exec(text);
  if (verb) return verb[1]!.replace(/"/g, '');
  const from = / from "?([a-z_]+)"?/i.exec(text);
  return `select … from ${from ? from[1] : '?'}`;
}

/**
 * A kysely plugin that records every statement run through the database it is attached to (`db.withPlugin`),
 * with its compiled SQL, parameters and wall time from compilation to result: what runInsights spends where,
 * without touching the hub's code. The SQL is compiled again here (a few microseconds) because plugins see
 * the operation tree, not the text.
 */
export class StatementTimer implements KyselyPlugin {
  readonly #compiler = new PostgresQueryCompiler();
  readonly #pending = new WeakMap<object, { sql: string; parameters: readonly unknown[]; started: number }>();
  #statements: TimedStatement[] = [];

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const compiled = this.#compiler.compileQuery(args.node, args.queryId);
    this.#pending.set(args.queryId, { sql: compiled.sql, parameters: compiled.parameters, started: performance.now() });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const pending = this.#pending.get(args.queryId);
    if (pending !== undefined) {
      this.#statements.push({ label: statementLabel(pending.sql), sql: pending.sql, parameters: pending.parameters, ms: performance.now() - pending.started });
    }
    return args.result;
  }

  /** The statements recorded since the last call, in execution order. */
  take(): TimedStatement[] {
    const statements = this.#statements;
    this.#statements = [];
    return statements;
  }
}
