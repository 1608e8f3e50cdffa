import { GraphQLError, Kind, type DocumentNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { findUnstorable, UNSTORABLE_MESSAGES, type UnstorableRule } from './storable-values.ts';

/** A variable name shown in an error only when it cannot be a planted datum: letters, at most two digits. */
const SHOWABLE_VARIABLE = /^[A-Za-z_][A-Za-z_]{0,40}[0-9]{0,2}$/;

/** The literal values of a document (arguments, directive arguments, defaults) as plain JS values. */
function literalValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map(literalValue);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, literalValue(field.value)]));
    default:
      return null;
  }
}

function firstUnstorableLiteral(document: DocumentNode): { field: string; argument: string; rule: UnstorableRule } | undefined {
  let found: { field: string; argument: string; rule: UnstorableRule } | undefined;
  const visit = (node: unknown, field: string): void => {
    if (found !== undefined || node === null || typeof node !== 'object') return;
    const current = node as { kind?: string; name?: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] };
    const here = current.kind === Kind.FIELD && current.name !== undefined ? current.name.value : field;
    for (const argument of current.arguments ?? []) {
      const rule = findUnstorable(literalValue(argument.value));
      if (rule !== undefined) {
        found = { field: here, argument: argument.name.value, rule };
        return;
      }
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === 'loc' || key === 'arguments') continue;
      if (Array.isArray(child)) for (const item of child) visit(item, here);
      else visit(child, here);
    }
  };
  for (const definition of document.definitions) visit(definition, '');
  return found;
}

/**
 * Refuses, before any resolver runs, an operation whose arguments hold a value PostgreSQL cannot store
 * (storable-values.ts): NUL, a lone surrogate, an over-long string or an out-of-range number, in a literal
 * or a variable, at any depth of a JSON document. The answer is a 400 naming the argument (or variable)
 * and the rule — never the value — with nothing run and nothing stored.
 */
export function useStorableInputs(logger: Logger): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      let where: string | undefined;
      let rule: UnstorableRule | undefined;
      for (const [name, value] of Object.entries(args.variableValues ?? {})) {
        rule = findUnstorable(value);
        if (rule !== undefined) {
          where = SHOWABLE_VARIABLE.test(name) ? `variable $${name}` : 'a variable';
          break;
        }
      }
      if (rule === undefined) {
        const literal = firstUnstorableLiteral(args.document as DocumentNode);
        if (literal !== undefined) {
          rule = literal.rule;
          where = `argument ${literal.argument} of ${literal.field}`;
        }
      }
      if (rule === undefined) return;
      logger.info({ event: 'graphql.input_refused', rule }, 'unstorable input refused');
      setResultAndStopExecution({
        errors: [
          new GraphQLError(`${where} ${UNSTORABLE_MESSAGES[rule]}`, {
            extensions: { code: 'BAD_USER_INPUT', reason: `input.${rule}`, http: { status: 400 } },
          }),
        ],
      });
    },
  };
}
