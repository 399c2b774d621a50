/** The requests of the end-to-end benchmark: signups through the UI and the API, with malformed ones and duplicates mixed in. */

/** How many requests of each kind, and the faults a soak run adds. */
export interface E2eOptions {
  signups: number;
  malformed: number;
  connections: number;
  /** Stop the data tier for this many ms in the middle of the run (soak). */
  outageMs?: number;
  /**
   * Pause the signup function's worker (SIGSTOP) for this many ms at three quarters of the run
   * (soak): the frontend cannot confirm those signups and says the outcome is unknown.
   */
  apiPauseMs?: number;
  /** Resubmit a request refused with 5xx after a pause, up to this many times, as a patient user would. @default 0 */
  retries?: number;
}

export type Job = {
  kind: 'ui' | 'api' | 'bad-json' | 'bad-field' | 'bad-ui' | 'duplicate';
  email?: string;
  body: string | URLSearchParams;
};

export function jobs(o: E2eOptions): Job[] {
  const list: Job[] = [];
  for (let i = 0; i < o.signups; i++) {
    const s = { name: `Load ${i}`, age: String(18 + (i % 60)), email: `load${i}@example.com`, country: 'Norway' };
    list.push(
      i % 2 === 0
        ? { kind: 'ui', email: s.email, body: new URLSearchParams(s) }
        : { kind: 'api', email: s.email, body: JSON.stringify(s) },
    );
  }
  for (let i = 0; i < o.malformed; i++) {
    const k = i % 4;
    if (k === 0) list.push({ kind: 'bad-json', body: '{"name": "broken",' });
    else if (k === 1)
      list.push({
        kind: 'bad-field',
        body: JSON.stringify({ name: 'Bad', age: '999', email: `bad${i}@example.com`, country: 'X' }),
      });
    else if (k === 2)
      list.push({ kind: 'bad-ui', body: new URLSearchParams({ name: '', age: 'x', email: 'nope', country: '' }) });
    // Races the real signup of load1: whichever arrives first is accepted, the other gets 409.
    else
      list.push({
        kind: 'duplicate',
        email: 'load1@example.com',
        body: JSON.stringify({ name: 'Dup', age: '30', email: 'load1@example.com', country: 'X' }),
      });
  }
  // Interleave deterministically, so malformed requests arrive among the signups.
  return list
    .map((j, i) => ({ j, k: (i * 2654435761) % 4294967296 }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.j);
}
