#!/usr/bin/env node
// aws-ses-v2-local with a journal. The emulator keeps its mail in memory only, so restarting it
// (./postdate chaos stops "SES" for 30 s) would forget mail it had accepted, which the real SES
// never does. Every stored mail is appended to the journal before the emulator answers the send,
// and the journal is replayed on start; /clear-store empties both.
// --throttle-first N answers the first N v2 SendEmail requests as SES does when a sending quota is
// exceeded (429 TooManyRequestsException), which the emulator itself never does: tests use it to
// see throttled sends retried, and each email still sent once.
// Usage: node journaled.js --host 127.0.0.1 --port 18005 --journal /path/mail.ndjson [--throttle-first N]
'use strict';

const fs = require('fs');
const path = require('path');
const { parseArgs } = require('util');
const store = require('aws-ses-v2-local/dist/store');
const server = require('aws-ses-v2-local').default;
const { getAddress } = require('aws-ses-v2-local/dist/address');

const { values: argv } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    journal: { type: 'string' },
    'throttle-first': { type: 'string', default: '0' },
  },
});
if (!argv.port || !argv.journal) {
  console.error('usage: node journaled.js --host HOST --port PORT --journal FILE');
  process.exit(2);
}

fs.mkdirSync(path.dirname(argv.journal), { recursive: true });

function replay() {
  if (!fs.existsSync(argv.journal)) {
    return 0;
  }
  const emails = store.getStoreReadonly().emails;
  let replayed = 0;
  for (const line of fs.readFileSync(argv.journal, 'utf8').split('\n')) {
    // A kill can cut the last line short; that mail was never answered as accepted.
    if (!line) continue;
    try {
      emails.push(JSON.parse(line));
      replayed++;
    } catch (e) {
      console.log(`aws-ses-v2-local: skipping a torn journal line (${line.length} bytes)`);
    }
  }
  return replayed;
}

const replayed = replay();
let journal = fs.openSync(argv.journal, 'a');

const saveEmail = store.saveEmail;
// The emulator's handlers look saveEmail and clearStore up on the module's exports at call time.
store.saveEmail = (email) => {
  // writeSync: in the kernel before the handler answers, so a killed emulator keeps every mail it acknowledged.
  fs.writeSync(journal, JSON.stringify(email) + '\n');
  saveEmail(email);
};
const clearStore = store.clearStore;
store.clearStore = () => {
  fs.closeSync(journal);
  journal = fs.openSync(argv.journal, 'w');
  clearStore();
};

// The server registers the v2 send handler it finds on the module's exports when it starts.
const sendEmailModule = require('aws-ses-v2-local/dist/v2/sendEmail');
const sendEmail = sendEmailModule.default;
let throttleLeft = Number(argv['throttle-first']);
sendEmailModule.default = (req, res, next) => {
  if (throttleLeft > 0) {
    throttleLeft--;
    res.status(429).set('x-amzn-ErrorType', 'TooManyRequestsException')
      .send({ message: 'Maximum sending rate exceeded.' });
    return;
  }
  sendEmail(req, res, next);
};

console.log(`aws-ses-v2-local: journal ${argv.journal}, ${replayed} mails replayed`);
server({ host: argv.host, port: Number(argv.port) })
  .then((s) => console.log(`aws-ses-v2-local: server running at ${getAddress(s)}`))
  .catch((error) => {
    console.log('aws-ses-v2-local: failed to start server');
    console.error(error);
    process.exit(1);
  });
