/** An expectation on an example's answer: one of some typenames appears, or the output matches a pattern. */
export type Expectation = { kind: 'typename'; typenames: string[] } | { kind: 'pattern'; pattern: RegExp };

export interface ReadmeExample {
  /** The `###` heading it sits under ('' before the first). */
  role: string;
  /** The first sentence of the text above it. */
  title: string;
  code: string;
  /** `<!-- expect: setup -->`: the block that sets the variables. */
  setup: boolean;
  expectations: Expectation[];
}

export const EXAMPLES_SECTION = '## Examples by role';

/**
 * The `sh` blocks of the README's "Examples by role" section, each with the `<!-- expect: … -->` comment right
 * above it: comma-separated items, each `/regex/` (with `/` escaped inside) or typenames joined by `|`.
 * A block without the comment has no expectations (the test refuses it).
 */
export function readmeExamples(readme: string): ReadmeExample[] {
  const start = readme.indexOf(`\n${EXAMPLES_SECTION}\n`);
  if (start === -1) throw new Error(`the README has no "${EXAMPLES_SECTION}" section`);
  const end = readme.indexOf('\n## ', start + EXAMPLES_SECTION.length + 2);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const examples: ReadmeExample[] = [];
  const token = /^### (.+)$|(?:^<!-- expect: (.*?) -->\n)?^```sh\n([\s\S]*?)^```$/gm;
  let role = '';
  let last = 0;
  for (const match of section.matchAll(token)) {
    if (match[1] !== undefined) {
      role = match[1].trim();
      last = match.index + match[0].length;
      continue;
    }
    const prose =
      section
        .slice(last, match.index)
        .replace(/<!--[\s\S]*?-->/g, '')
        .trim()
        .split(/\n\n/)
        .pop() ?? '';
    last = match.index + match[0].length;
    const items = match[2] === undefined ? [] : parseExpectations(match[2]);
    const setup = items.length === 1 && items[0]!.kind === 'typename' && items[0]!.typenames.join() === 'setup';
    examples.push({
      role,
      title: prose
        .replace(/\s+/g, ' ')
        .split(/(?<=[.:])\s/)[0]!
        .slice(0, 90),
      code: match[3]!,
      setup,
      expectations: setup ? [] : items,
    });
  }
  return examples;
}

/** `A|B, /re\/gex/, C` → expectations. */
export function parseExpectations(text: string): Expectation[] {
  const expectations: Expectation[] = [];
  const item = /\s*(?:\/((?:\\.|[^/\\])+)\/|([\w|]+))\s*(?:,|$)/y;
  let match: RegExpExecArray | null;
  while (item.lastIndex < text.length && (match = item.exec(text)) !== null) {
    if (match[1] !== undefined) expectations.push({ kind: 'pattern', pattern: new RegExp(match[1], 'm') });
    else expectations.push({ kind: 'typename', typenames: match[2]!.split('|') });
  }
  if (item.lastIndex < text.trimEnd().length) throw new Error(`cannot read the expectation "${text.slice(item.lastIndex, item.lastIndex + 40)}"`);
  return expectations;
}
