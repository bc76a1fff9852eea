'use strict';
// Node @grpc/grpc-js server implementing InteropTestService and Health, the Node peer of the benchmark.
// Usage: node server.js [PORT]   prints "listening PORT" once it accepts calls; stops on SIGTERM/SIGINT.
const { grpc, InteropTestService, Health, statusName } = require('./peer');

const port = Number(process.argv[2] || 0);
const server = new grpc.Server();

server.addService(InteropTestService.service, {
  Echo(call, callback) {
    const request = call.request;
    if (request.fail_with) {
      callback({ code: request.fail_with.code, details: request.fail_with.message });
      return;
    }
    const payload = request.response_size > 0 ? Buffer.alloc(request.response_size, 'x') : request.payload;
    callback(null, { payload, text: request.text });
  },
  Sleep(call, callback) {
    const timer = setTimeout(() => callback(null, { completed: true }), call.request.milliseconds);
    call.on('cancelled', () => clearTimeout(timer));
  },
  Count(call) {
    for (let number = 1; number <= call.request.count; number++) call.write({ number });
    call.end();
  },
  EchoMetadata(call, callback) {
    const headers = new grpc.Metadata();
    const trailers = new grpc.Metadata();
    const found = [];
    for (const key of call.request.keys) {
      for (const value of call.metadata.get(key)) {
        headers.add(key, value);
        trailers.add(`trailer-${key}`, value);
        if (!found.includes(key)) found.push(key);
      }
    }
    call.sendMetadata(headers);
    callback(null, { found_keys: found }, trailers);
  },
});
server.addService(Health.service, {
  Check(call, callback) {
    callback(null, { status: 'SERVING' });
  },
});

server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => {
  if (error) {
    console.error(`could not bind: ${error.message} (${statusName(error.code)})`);
    process.exit(1);
  }
  console.log(`listening ${boundPort}`);
});
const stop = () => server.tryShutdown(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
