'use strict';
// Runs dynalite in its own Node process, so that no request the local API parses ever shares
// an event loop with the data tier. Reports its address over IPC; exits when its parent does.
require('./dynalite-bytes.cjs');
const dynalite = require('dynalite');

const [port, host, dataDir] = process.argv.slice(2);
const server = dynalite({ path: dataDir || undefined, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.on('error', (err) => {
  process.send({ type: 'error', code: err.code, message: String(err.message) });
  process.exit(1);
});
// Requests served, by operation: what a page costs in DynamoDB calls, as a test or a benchmark asks.
const served = {};
server.prependListener('request', (req) => {
  const operation = String(req.headers['x-amz-target'] || '').split('.')[1] || 'unknown';
  served[operation] = (served[operation] || 0) + 1;
});
process.on('message', (msg) => {
  if (msg && msg.type === 'served') process.send({ type: 'served', id: msg.id, served: { ...served } });
});
server.listen(Number(port), host, () => {
  const address = server.address();
  process.send({ type: 'listening', port: address.port, address: address.address });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
