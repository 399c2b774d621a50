/**
 * Seeds a local table with generated students in the form the signup Lambda writes (the four
 * fields and the name index's keys), 25 to a BatchWriteItem, unprocessed items retried.
 */
import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { directoryAttributes } from '../../core/directory';
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
  const batches: WriteRequest[][] = [];
  let batch: WriteRequest[] = [];
  let count = 0;
  for (const s of students) {
    batch.push({ PutRequest: { Item: marshall({ ...s, ...directoryAttributes(s) }) } });
    count++;
    if (batch.length === 25) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch);
  const worker = async () => {
    for (let b = batches.pop(); b; b = batches.pop()) {
      let pending = b;
      while (pending.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
        pending = out.UnprocessedItems?.[tableName] ?? [];
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
