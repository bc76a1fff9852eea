'use strict';
// Node @grpc/grpc-js client for the interop tests: each case calls --target and prints one JSON object
// describing what it observed; the xunit test asserts on it.
// Usage: node client.js HOST:PORT CASE
const { grpc, InteropTestService, decodeStatusDetails, statusName } = require('./peer');

const [target, caseName] = process.argv.slice(2);
const client = new InteropTestService(target, grpc.credentials.createInsecure());
const deadlineIn = (ms) => new Date(Date.now() + ms);

function unary(method, request, ms = 10000) {
  return new Promise((resolve) => {
    client[method](request, { deadline: deadlineIn(ms) }, (error, response) => resolve({ error, response }));
  });
}

const cases = {
  async unary_ok() {
    const payload = Buffer.from([...Array(256).keys()]);
    const { error, response } = await unary('Echo', { payload, text: 'caf\u00e9 \u2713' });
    if (error) return { code: statusName(error.code), message: error.details };
    return { code: 'OK', payload_matches: Buffer.compare(response.payload, payload) === 0, text: response.text };
  },

  async error_with_details() {
    const { error } = await unary('Echo', {
      fail_with: {
        code: grpc.status.INVALID_ARGUMENT,
        message: 'request is invalid',
        field_violations: [{ field: 'subject_id', description: 'must not be empty' }],
      },
    });
    if (!error) return { code: 'OK' };
    return { code: statusName(error.code), message: error.details, status_details: decodeStatusDetails(error.metadata) };
  },

  async server_streaming() {
    return new Promise((resolve) => {
      const numbers = [];
      const call = client.Count({ count: 100 }, { deadline: deadlineIn(30000) });
      call.on('data', (message) => numbers.push(message.number));
      call.on('error', (error) => resolve({ code: statusName(error.code), numbers }));
      call.on('status', (status) => {
        if (status.code === grpc.status.OK) resolve({ code: 'OK', numbers });
      });
    });
  },

  async deadline_exceeded() {
    await unary('Echo', { text: 'connect' }, 30000); // connect first: the whole deadline is for the Sleep call
    const { error } = await unary('Sleep', { milliseconds: 60000, call_id: 'node-deadline' }, 1000);
    return { code: error ? statusName(error.code) : 'OK' };
  },
};

async function main() {
  if (!cases[caseName]) {
    console.error(`unknown case '${caseName}'; known: ${Object.keys(cases).join(', ')}`);
    process.exit(2);
  }
  const result = await cases[caseName]();
  client.close();
  const sorted = Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b)));
  console.log(JSON.stringify(sorted));
}

main().catch((error) => { console.error(error); process.exit(1); });
