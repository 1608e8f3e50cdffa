import { describe, expect, it } from 'vitest';
import { hubSchema } from '../../src/graphql/schema.ts';
import { echoFreeMessage, schemaNames } from '../../src/server/echo-free-errors.ts';

const names = schemaNames(hubSchema());
const PLANTED = '13800138000';

describe('echo-free GraphQL messages', () => {
  it.each([
    [
      `Variable "$f" got invalid value "${PLANTED}"; Int cannot represent non-integer value: "${PLANTED}"`,
      'Variable "$f" got an invalid value; Int cannot represent non-integer value',
    ],
    [
      `Variable "$g" got invalid value "${PLANTED}" at "g[0]"; Value "${PLANTED}" does not exist in "InsightDimension" enum.`,
      'Variable "$g" got an invalid value; value does not exist in "InsightDimension" enum',
    ],
    [
      `Variable "$f" got invalid value { ${PLANTED}: 1 }; Field "${PLANTED}" is not defined by type "InsightFilter".`,
      'Variable "$f" got an invalid value; an input field is not defined by type "InsightFilter"',
    ],
    [
      `Variable "$v${PLANTED}" got invalid value "x"; String cannot represent a non string value: 1`,
      'Variable a variable got an invalid value; String cannot represent a non string value',
    ],
    [
      `Expected value of type "Int", found "${PLANTED}"; Int cannot represent non-integer value: "${PLANTED}"`,
      'Expected value of type "Int"; Int cannot represent non-integer value',
    ],
    [`String cannot represent a non string value: ${PLANTED}`, 'String cannot represent a non string value'],
    [`Int cannot represent non 32-bit signed integer value: ${PLANTED}`, 'Int cannot represent non 32-bit signed integer value'],
    [`Cannot query field "x${PLANTED}" on type "Query".`, 'Cannot query field "…" on type "Query".'],
    [`Syntax Error: Unexpected Name "${PLANTED}".`, 'Syntax Error: the query must be well-formed GraphQL (see locations)'],
    [`Syntax Error: Invalid character within String: U+0000.`, 'Syntax Error: the query must be well-formed GraphQL (see locations)'],
    [`Some future message quoting ${PLANTED} unquoted`, 'the request must match the schema (see locations)'],
  ])('rewrites %j', (message, expected) => {
    const rewritten = echoFreeMessage(message, names);
    expect(rewritten).toBe(expected);
    expect(rewritten).not.toContain(PLANTED);
  });

  it('keeps messages that name only the schema', () => {
    for (const message of [
      'Cannot query field "grantConsent" on type "Query".',
      'Variable "$x" is never used.',
      'Unknown argument "purpose" on field "Query.viewer".',
    ]) {
      expect(echoFreeMessage(message, names)).toBe(message);
    }
  });
});
