import type { Client, Request } from 'autocannon';
import { loadSubject, loadTradeIn, letters } from './load-seed.ts';

/** What one operation's connections saw: answers that were right, answers that were not, what was still in flight at the end. */
export class OperationTally {
  ok = 0;
  /** 2xx answers whose body was not the expected success (GraphQL errors, typed refusals, wrong data). */
  wrongBodies = 0;
  /** Up to five wrong bodies, cut short, for the report. */
  readonly samples: string[] = [];
  sent = 0;
  answered = 0;

  wrong(status: number, body: string): void {
    this.wrongBodies += 1;
    if (this.samples.length < 5) this.samples.push(`HTTP ${status}: ${body.slice(0, 300)}`);
  }

  get inFlight(): number {
    return this.sent - this.answered;
  }
}

/** An operation of the mixed load: autocannon's per-connection set-up and what it tallies. */
export interface LoadOperation {
  name: string;
  connections: number;
  tally: OperationTally;
  setupClient(client: Client): void;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ ...JSON_HEADERS, authorization: `Bearer ${token}` });
const parse = (body: string): any => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

const SUBMIT =
  'mutation($d:[JSON!]!){submitTradeIns(documents:$d){__typename ... on SubmissionBatch{results{__typename ... on SubmissionAccepted{replayed}}}}}';

/** The ingest a load acknowledged: externalRefs answered accepted (not replayed), and the ones still in flight at the end. */
export interface IngestLedger {
  acknowledged: string[];
  /** Documents acknowledged with a subjectRef. */
  acknowledgedWithSubject: number;
  inFlight: Map<number, string[]>;
}

/**
 * submitTradeIns, `batch` new documents per request (every other one naming a new user), each connection
 * numbering its own externalRefs. A request counts as right only when every document is accepted fresh.
 */
export function ingestOperation(options: {
  run: string;
  phase: string;
  connections: number;
  batch: number;
  token: string;
  ledger: IngestLedger;
}): LoadOperation {
  const tally = new OperationTally();
  let connection = 0;
  return {
    name: 'ingest (submitTradeIns)',
    connections: options.connections,
    tally,
    setupClient(client) {
      const id = connection++;
      let n = 0;
      let pending: { refs: string[]; withSubject: number } = { refs: [], withSubject: 0 };
      const request: Request = {
        method: 'POST',
        path: '/graphql',
        setupRequest(params) {
          const documents = Array.from({ length: options.batch }, () => {
            n += 1;
            const ref = `LD-${options.run}-${options.phase}-c${letters(id, 2)}-${letters(n)}`;
            return loadTradeIn(ref, n, n % 2 === 0 ? loadSubject(options.run, 'ingest', id * 1_000_000 + n) : undefined);
          });
          pending = { refs: documents.map((d) => String(d.externalRef)), withSubject: documents.filter((d) => d.subjectRef !== undefined).length };
          options.ledger.inFlight.set(id, pending.refs);
          tally.sent += 1;
          return { ...params, headers: bearer(options.token), body: JSON.stringify({ query: SUBMIT, variables: { d: documents } }) };
        },
        onResponse(status, body) {
          tally.answered += 1;
          options.ledger.inFlight.delete(id);
          const results = parse(body)?.data?.submitTradeIns?.results as { __typename: string; replayed?: boolean }[] | undefined;
          if (
            status === 200 &&
            results?.length === pending.refs.length &&
            results.every((r) => r.__typename === 'SubmissionAccepted' && r.replayed === false)
          ) {
            tally.ok += 1;
            options.ledger.acknowledged.push(...pending.refs);
            options.ledger.acknowledgedWithSubject += pending.withSubject;
          } else {
            tally.wrong(status, body);
          }
        },
      };
      client.setRequests([request]);
    },
  };
}

const INSIGHTS = JSON.stringify({
  query: 'query{insights(purpose:"product-rnd",groupBy:[model],measures:[count,usageMonthsAvg]){__typename ... on Insights{rows{keys subjects remainder}}}}',
});

/** insights for product-rnd by model: right when it is an Insights answer releasing `expectedRows` rows of at least `k` subjects. */
export function insightsOperation(options: { connections: number; token: string; expectedRows: number; k: number }): LoadOperation {
  const tally = new OperationTally();
  return {
    name: 'insights (product-rnd by model)',
    connections: options.connections,
    tally,
    setupClient(client) {
      client.setRequests([
        {
          method: 'POST',
          path: '/graphql',
          setupRequest(params) {
            tally.sent += 1;
            return { ...params, headers: bearer(options.token), body: INSIGHTS };
          },
          onResponse(status, body) {
            tally.answered += 1;
            const answer = parse(body)?.data?.insights as { __typename: string; rows?: { subjects: number; remainder: boolean }[] } | undefined;
            const rows = answer?.rows?.filter((row) => !row.remainder) ?? [];
            if (status === 200 && answer?.__typename === 'Insights' && rows.length === options.expectedRows && rows.every((row) => row.subjects >= options.k))
              tally.ok += 1;
            else tally.wrong(status, body);
          },
        },
      ]);
    },
  };
}

/** Per churn user: the consent state its last acknowledged change set, changes acknowledged, and a change in flight at the end. */
export interface ConsentLedger {
  state: Map<string, 'granted' | 'withdrawn'>;
  acknowledgedChanges: Map<string, number>;
  inFlight: Map<string, 'granted' | 'withdrawn'>;
}

const CHANGE = (field: 'grantConsent' | 'withdrawConsent') =>
  JSON.stringify({ query: `mutation{change:${field}(purpose:"product-rnd"){__typename ... on ConsentChanged{change{state}}}}` });

/**
 * grantConsent / withdrawConsent: each connection owns one churn user and flips its product-rnd consent on
 * every request, so the user's last acknowledged change is known exactly. Right when the change is
 * receipted with the state asked for.
 */
export function consentOperation(options: { connections: number; users: { subjectRef: string; token: string }[]; ledger: ConsentLedger }): LoadOperation {
  if (options.connections > options.users.length) throw new Error('each consent connection needs its own churn user');
  const tally = new OperationTally();
  let connection = 0;
  return {
    name: 'consent (grant / withdraw)',
    connections: options.connections,
    tally,
    setupClient(client) {
      const user = options.users[connection++]!;
      let target: 'granted' | 'withdrawn' = 'granted';
      client.setRequests([
        {
          method: 'POST',
          path: '/graphql',
          setupRequest(params) {
            target = options.ledger.state.get(user.subjectRef) === 'granted' ? 'withdrawn' : 'granted';
            options.ledger.inFlight.set(user.subjectRef, target);
            tally.sent += 1;
            return { ...params, headers: bearer(user.token), body: CHANGE(target === 'granted' ? 'grantConsent' : 'withdrawConsent') };
          },
          onResponse(status, body) {
            tally.answered += 1;
            options.ledger.inFlight.delete(user.subjectRef);
            const answer = parse(body)?.data?.change as { __typename: string; change?: { state: string } } | undefined;
            if (status === 200 && answer?.__typename === 'ConsentChanged' && answer.change?.state === target.toUpperCase()) {
              tally.ok += 1;
              options.ledger.state.set(user.subjectRef, target);
              options.ledger.acknowledgedChanges.set(user.subjectRef, (options.ledger.acknowledgedChanges.get(user.subjectRef) ?? 0) + 1);
            } else {
              tally.wrong(status, body);
            }
          },
        },
      ]);
    },
  };
}

const ME = JSON.stringify({ query: 'query{me{__typename ... on Me{subjectRef records{model} consents{purpose state}}}}' });

/** `me` for a random seeded user: right when it names that user and lists their trade-in. */
export function meOperation(options: { connections: number; users: { subjectRef: string; token: string }[] }): LoadOperation {
  const tally = new OperationTally();
  return {
    name: 'me',
    connections: options.connections,
    tally,
    setupClient(client) {
      let expected = '';
      client.setRequests([
        {
          method: 'POST',
          path: '/graphql',
          setupRequest(params) {
            const user = options.users[Math.floor(Math.random() * options.users.length)]!;
            expected = user.subjectRef;
            tally.sent += 1;
            return { ...params, headers: bearer(user.token), body: ME };
          },
          onResponse(status, body) {
            tally.answered += 1;
            const me = parse(body)?.data?.me as { __typename: string; subjectRef?: string; records?: unknown[]; consents?: unknown[] } | undefined;
            if (status === 200 && me?.__typename === 'Me' && me.subjectRef === expected && me.records?.length === 1 && (me.consents?.length ?? 0) > 0)
              tally.ok += 1;
            else tally.wrong(status, body);
          },
        },
      ]);
    },
  };
}
