#!/usr/bin/env node
// `cycle`: see client/cli.ts. Runs the compiled CLI; `npm start`, `npm test` or `npm run build` compile it.
'use strict';
const path = require('node:path');
const { existsSync } = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'client', 'cliMain.js');
if (!existsSync(entry)) {
  console.error('error: the cycle command is not built yet: run `npm run build` (npm start and npm test build it too)');
  process.exit(1);
}
require(entry);
