'use strict';
// Run by npm before it installs (`preinstall`): on a Node older than the project's (.nvmrc), it
// says so plainly and what to do, then lets the install go on, since the npm scripts run on the
// Node 22 the install brings (the `node` devDependency). npm's engine-strict would stop the
// install instead, and with it `npm install`, `npm start` and `npm test` on machines whose system
// Node is older.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const wanted = Number(readFileSync(path.join(__dirname, '..', '.nvmrc'), 'utf8').trim());
// npm runs this after the dependencies are in place, so `node` here may already be the project's
// own Node 22: the Node that runs npm (the developer's) is the one in npm's user agent.
const agent = /\bnode\/v(\d+)\.(\S+)/.exec(process.env.npm_config_user_agent ?? '');
const version = agent ? `${agent[1]}.${agent[2]}` : process.versions.node;
const running = Number(version.split('.')[0]);
if (running < wanted) {
  process.stderr.write(
    [
      `This project runs on Node ${wanted} (.nvmrc); npm is running on Node ${version}.`,
      `Its npm scripts (npm start, npm test, npm run …) use the Node ${wanted} this install brings, so they work as they are.`,
      `To run anything else on Node ${wanted}: nvm use (or install Node ${wanted} from nodejs.org).`,
      '',
    ].join('\n'),
  );
}
