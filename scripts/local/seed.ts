/**
 * Seeds a local table with generated students in the form the signup Lambda writes (the four
 * fields and the name index's keys, and their name-words entries), 25 to a BatchWriteItem,
 * unprocessed items retried.
 */
import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { directoryAttributes } from '../../core/directory';
import { wordEntriesOf, wordsTableOf } from '../../core/name-words';
import type { Student } from '../../core/student';
import { localClient } from './data-tier';

const FIRST = ['Ada', 'Émile', 'grace', 'Zoë', 'Alan', 'Óscar', 'Mary', 'Chen', 'Amara', 'Ivan', 'Noor', 'Lucía'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Nakamura', 'Okafor', 'Müller', 'Silva', 'Kowalski', 'Dubois', 'Singh'];
const COUNTRIES = ['Norway', 'Brazil', 'Japan', 'Nigeria', 'France', 'India', 'Chile', 'Poland'];

/** The i-th generated student: with accents and lower case, and every seventh shares a name (tie-broken by email). */
export function generatedStudent(i: number): Student {
  const n = i % 7 === 6 ? i - 1 : i;
  const first = FIRST[n % FIRST.length] as string;
  const last = LAST[Math.floor(n / FIRST.length) % LAST.length] as string;
  return {
    name: `${first} ${last} ${Math.floor(n / (FIRST.length * LAST.length))}`,
    age: String(18 + (i % 50)),
    email: `student${i}@example.com`,
    country: COUNTRIES[i % COUNTRIES.length] as string,
  };
}

export async function seedStudents(
  endpoint: string,
  tableName: string,
  students: Iterable<Student>,
  concurrency = 8,
): Promise<number> {
  const client = localClient(endpoint);
  const words = wordsTableOf(tableName);
  const batches: { table: string; requests: WriteRequest[] }[] = [];
  const pending = { [tableName]: [] as WriteRequest[], [words]: [] as WriteRequest[] };
  const add = (table: string, item: Record<string, string>) => {
    const list = pending[table] as WriteRequest[];
    list.push({ PutRequest: { Item: marshall(item) } });
    if (list.length === 25) batches.push({ table, requests: list.splice(0) });
  };
  let count = 0;
  for (const s of students) {
    add(tableName, { ...s, ...directoryAttributes(s) });
    for (const entry of wordEntriesOf(s)) add(words, entry);
    count++;
  }
  for (const [table, list] of Object.entries(pending)) if (list.length > 0) batches.push({ table, requests: list });
  const worker = async () => {
    for (let b = batches.pop(); b; b = batches.pop()) {
      let left = b.requests;
      while (left.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [b.table]: left } }));
        left = out.UnprocessedItems?.[b.table] ?? [];
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    client.destroy();
  }
  return count;
}
