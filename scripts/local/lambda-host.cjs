'use strict';
// Runs one built Lambda bundle in its own Node process, as the Lambda runtime would, and
// answers invocations sent over IPC. Plain CommonJS so it runs with plain `node`.
const bundle = process.argv[2];
let handler;
try {
  ({ handler } = require(bundle));
  if (typeof handler !== 'function') throw new Error(`${bundle} does not export a handler function`);
} catch (err) {
  process.send({ type: 'init-error', error: { name: err?.name, message: String(err?.message) } });
  process.exit(1);
}
process.on('message', async (msg) => {
  if (msg?.type !== 'invoke') return;
  try {
    const result = await handler(msg.event, msg.context);
    process.send({ type: 'result', id: msg.id, result });
  } catch (err) {
    process.send({ type: 'error', id: msg.id, error: { name: err?.name, message: String(err?.message) } });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready' });
