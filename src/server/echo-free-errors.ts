import { GraphQLError, isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * GraphQL's own parse, validation and coercion messages quote what the client sent ("Variable "$x" got
 * invalid value "13800138000"; …", "Expected value of type "Int", found "…"", "String cannot represent a
 * non string value: …"). The hub answers them rebuilt from known shapes: the argument, variable, type and
 * rule stay; the value goes. Any quoted name that is not the schema's own is replaced, and a message that
 * still looks as if it could carry a value is replaced whole. Pure, except for the schema it is given.
 */

const GENERIC = 'the request must match the schema (see locations)';
const SYNTAX = 'Syntax Error: the query must be well-formed GraphQL (see locations)';
/** A variable name shown only when it cannot be a planted datum: letters, at most two digits. */
const SHOWABLE_VARIABLE = /^[A-Za-z_][A-Za-z_]{0,40}[0-9]{0,2}$/;
const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/** Every name the schema itself defines: types, fields, input fields, arguments, enum values, directives. */
export function schemaNames(schema: GraphQLSchema): ReadonlySet<string> {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    names.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        names.add(field.name);
        for (const arg of field.args) names.add(arg.name);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) names.add(field.name);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) names.add(value.name);
    }
  }
  for (const directive of schema.getDirectives()) {
    names.add(directive.name);
    for (const arg of directive.args) names.add(arg.name);
  }
  return names;
}

function isKnownName(quoted: string, names: ReadonlySet<string>): boolean {
  if (quoted.startsWith('$')) return SHOWABLE_VARIABLE.test(quoted.slice(1));
  // A type reference such as [InsightDimension!]! names one type.
  const bare = quoted.replace(/^\[*|[\]!]*$/g, '').replace(/!$/, '');
  // Schema coordinates (Query.viewer, Query.insights(purpose:)) name one part of the schema per segment.
  return bare
    .replace(/^@/, '')
    .replace(/:\)$/, '')
    .split(/[.(]/)
    .every((part) => names.has(part));
}

/** Quoted names the schema does not define become "…". */
function withKnownNamesOnly(message: string, names: ReadonlySet<string>): string {
  return message.replace(QUOTED, (whole, inner: string) => (isKnownName(inner, names) ? whole : '"…"'));
}

/** What is left outside quotes must be plain words: no long digit runs, nothing beyond printable ASCII. */
function looksValueFree(message: string): boolean {
  const unquoted = message.replace(QUOTED, '');
  return !/\d{4,}/.test(unquoted) && /^[\x20-\x7e]*$/.test(unquoted) && !/ found |value: | got invalid value /.test(unquoted);
}

/** The rule part of a coercion message ("Int cannot represent …"), without the value it quotes. */
function ruleText(rule: string, names: ReadonlySet<string>): string | undefined {
  let match: RegExpExecArray | null;
  if ((match = /^(\w+) cannot represent ((?:a |an )?non[- ][\w -]*? value|[\w -]*? value)(?::|\.|$)/.exec(rule)) !== null && names.has(match[1]!)) {
    return `${match[1]} cannot represent ${match[2]}`;
  }
  if ((match = /^Value "(?:[^"\\]|\\.)*" does not exist in "(\w+)" enum\./.exec(rule)) !== null && names.has(match[1]!)) {
    return `value does not exist in "${match[1]}" enum`;
  }
  if ((match = /^Enum "(\w+)" cannot represent non-enum value/.exec(rule)) !== null && names.has(match[1]!)) {
    return `Enum "${match[1]}" cannot represent non-enum value`;
  }
  if ((match = /^Field "(?:[^"\\]|\\.)*" is not defined by type "(\w+)"\./.exec(rule)) !== null && names.has(match[1]!)) {
    return `an input field is not defined by type "${match[1]}"`;
  }
  if ((match = /^Field "(\w+)" of required type "([^"]+)" was not provided\./.exec(rule)) !== null && names.has(match[1]!) && isKnownName(match[2]!, names)) {
    return `Field "${match[1]}" of required type "${match[2]}" was not provided`;
  }
  if ((match = /^Expected type "([^"]+)" to be an object\./.exec(rule)) !== null && isKnownName(match[1]!, names)) {
    return `Expected type "${match[1]}" to be an object`;
  }
  if ((match = /^Expected value of type "([^"]+)", found [\s\S]*?(?:; ([\s\S]*))?$/.exec(rule)) !== null && isKnownName(match[1]!, names)) {
    const inner = match[2] === undefined ? undefined : ruleText(match[2], names);
    return `Expected value of type "${match[1]}"${inner === undefined ? '' : `; ${inner}`}`;
  }
  return undefined;
}

/** The message the hub answers instead of `message`: the same meaning, never a value. */
export function echoFreeMessage(message: string, names: ReadonlySet<string>): string {
  if (message.startsWith('Syntax Error')) return SYNTAX;
  let match: RegExpExecArray | null;
  if ((match = /^Variable "\$([^"]*)" got invalid value [\s\S]*?(?: at "([^"]*)")?; ([\s\S]*)$/.exec(message)) !== null) {
    const variable = SHOWABLE_VARIABLE.test(match[1]!) ? `"$${match[1]}"` : 'a variable';
    const rule = ruleText(match[3]!, names);
    return `Variable ${variable} got an invalid value${rule === undefined ? '' : `; ${rule}`}`;
  }
  const rule = ruleText(message, names);
  if (rule !== undefined) return rule;
  const cleaned = withKnownNamesOnly(message, names);
  return looksValueFree(cleaned) ? cleaned : GENERIC;
}

/** Extensions an answer may carry: codes, reasons, limits, HTTP hints. Nothing else a library attached. */
const KEPT_EXTENSIONS = ['code', 'reason', 'http', 'limit', 'max', 'unexpected'] as const;

function echoFreeError(error: GraphQLError, names: ReadonlySet<string>): GraphQLError {
  const extensions = (error.extensions ?? {}) as Record<string, unknown>;
  // The hub's own refusals are worded by the hub and carry a typed reason or limit: nothing to rebuild.
  if (typeof extensions.reason === 'string' || extensions.code === 'LIMIT_EXCEEDED' || extensions.unexpected === true) return error;
  const message = echoFreeMessage(error.message, names);
  if (message === error.message) return error;
  const kept: Record<string, unknown> = Object.fromEntries(KEPT_EXTENSIONS.filter((key) => key in extensions).map((key) => [key, extensions[key]]));
  // Coercion errors come without a code; they are the client's input, as yoga's own BAD_USER_INPUT.
  kept.code ??= 'BAD_USER_INPUT';
  return new GraphQLError(message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions: kept,
  });
}

/** Rewrites every error of every answer (see echoFreeMessage) just before it is serialised. */
export function useEchoFreeErrors(schema: GraphQLSchema): Plugin {
  const names = schemaNames(schema);
  return {
    onResultProcess({ result, setResult }) {
      if (Symbol.asyncIterator in (result as object)) return;
      const rewrite = (single: { errors?: readonly GraphQLError[] }) =>
        single.errors === undefined ? single : { ...single, errors: single.errors.map((error) => echoFreeError(error, names)) };
      setResult(Array.isArray(result) ? result.map(rewrite) : (rewrite(result as { errors?: readonly GraphQLError[] }) as never));
    },
  };
}
