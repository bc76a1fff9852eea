'use strict';
// Shared set-up for the Node @grpc/grpc-js peers. Packages come from $MAPPA_TEST_NODE_MODULES (a
// node_modules folder holding @grpc/grpc-js and @grpc/proto-loader), so nothing is installed in the repo.
const fs = require('fs');
const path = require('path');

const modules = process.env.MAPPA_TEST_NODE_MODULES;
if (!modules || !fs.existsSync(path.join(modules, '@grpc', 'grpc-js'))) {
  console.error('MAPPA_TEST_NODE_MODULES must name a node_modules folder with @grpc/grpc-js and @grpc/proto-loader (run ./test.sh)');
  process.exit(2);
}
const load = (name) => require(path.join(modules, name));
const grpc = load('@grpc/grpc-js');
const protoLoader = load('@grpc/proto-loader');
const protobuf = load('protobufjs');

const testProject = path.resolve(__dirname, '..');
const repo = path.resolve(testProject, '..', '..');
const includeDirs = [path.join(testProject, 'Protos'), path.join(testProject, 'PeerProtos'), path.join(repo, 'protos')];

const definition = protoLoader.loadSync(
  ['mappa/interop/v1/interop.proto', 'grpc/health/v1/health.proto'],
  { includeDirs, keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const loaded = grpc.loadPackageDefinition(definition);
const InteropTestService = loaded.mappa.interop.v1.InteropTestService;
const Health = loaded.grpc.health.v1.Health;

// google.rpc.Status and its details, decoded with protobufjs from the same PeerProtos.
const rpcRoot = new protobuf.Root();
rpcRoot.resolvePath = (origin, target) => {
  for (const dir of includeDirs) {
    const candidate = path.join(dir, target);
    if (fs.existsSync(candidate)) return candidate;
  }
  return protobuf.util.path.resolve(origin, target);
};
rpcRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
const Status = rpcRoot.lookupType('google.rpc.Status');

function decodeStatusDetails(metadata) {
  const values = metadata ? metadata.get('grpc-status-details-bin') : [];
  if (!values || values.length === 0) return null;
  const status = Status.decode(values[values.length - 1]);
  return {
    code: status.code,
    message: status.message,
    details: status.details.map((any) => {
      const typeName = any.type_url.split('/').pop();
      const type = rpcRoot.lookupType(typeName);
      return { type: typeName, ...type.toObject(type.decode(any.value), { defaults: true }) };
    }),
  };
}

function statusName(code) {
  return Object.keys(grpc.status).find((name) => grpc.status[name] === code) || String(code);
}

module.exports = { grpc, InteropTestService, Health, decodeStatusDetails, statusName };
