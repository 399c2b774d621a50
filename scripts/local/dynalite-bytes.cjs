'use strict';
// DynamoDB measures keys and items in UTF-8 bytes; dynalite measures strings in UTF-16 units, so
// a key of 700 CJK characters (2,100 bytes) passes locally and fails on AWS. This makes the local
// store refuse, with DynamoDB's own messages, what DynamoDB refuses by size.
const db = require('dynalite/db');

const LIMITS = { HASH: 2048, RANGE: 1024 };
const MESSAGES = {
  HASH: 'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
  RANGE:
    'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
};

/** The first key of `schema` whose string value in `item` is over its limit, as an error. */
function oversizeKey(item, schema) {
  for (const { AttributeName, KeyType } of schema || []) {
    const value = item?.[AttributeName];
    if (value && typeof value.S === 'string' && Buffer.byteLength(value.S) > LIMITS[KeyType])
      return db.validationError(MESSAGES[KeyType]);
  }
  return undefined;
}

const { validateKey, validateItem, validateKeyPiece, itemSize } = db;

db.validateKey = (dataKey, table, keySchema) =>
  oversizeKey(dataKey, keySchema || table.KeySchema) || validateKey(dataKey, table, keySchema);

// A write carries the index keys too: an over-long one fails the write, as on AWS.
db.validateItem = (item, table) => {
  const schemas = [
    table.KeySchema,
    ...[...(table.GlobalSecondaryIndexes || []), ...(table.LocalSecondaryIndexes || [])].map((i) => i.KeySchema),
  ];
  for (const schema of schemas) {
    const err = oversizeKey(item, schema);
    if (err) return err;
  }
  return validateItem(item, table);
};

db.validateKeyPiece = (key, attr, type, isHash) => {
  const value = key?.[attr];
  if (type === 'S' && value && typeof value.S === 'string') {
    const kind = isHash ? 'HASH' : 'RANGE';
    if (Buffer.byteLength(value.S) > LIMITS[kind]) return db.validationError(MESSAGES[kind]);
  }
  return validateKeyPiece(key, attr, type, isHash);
};

/** The item with every string (names included) as long as its UTF-8 encoding, for measuring. */
function asBytes(value) {
  if (typeof value === 'string') {
    const bytes = Buffer.byteLength(value);
    return bytes === value.length ? value : value + 'x'.repeat(bytes - value.length);
  }
  if (Array.isArray(value)) return value.map(asBytes);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k === 'S' || k === 'SS' || k === 'N' || k === 'B' ? k : asBytes(k),
        asBytes(v),
      ]),
    );
  return value;
}

// The 400 KB item limit, counted in bytes.
db.itemSize = (item, ...rest) => itemSize(asBytes(item), ...rest);
