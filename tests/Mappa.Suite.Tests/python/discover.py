"""Discovers a running suite the way an operator's tool would: server reflection lists the services, and the
standard health service answers for the whole server and for each listed service. Prints one JSON object.

Usage: discover.py REPO_ROOT HOST:PORT
"""
import json
import os
import sys
import tempfile

import grpc
from grpc_tools import protoc

try:
    import importlib.resources as resources
    WELL_KNOWN = str(resources.files("grpc_tools") / "_proto")
except Exception:  # pragma: no cover - older Pythons
    import pkg_resources
    WELL_KNOWN = pkg_resources.resource_filename("grpc_tools", "_proto")


def generate(repo_root):
    out = tempfile.mkdtemp(prefix="mappa-suite-py-")
    files = ["grpc/health/v1/health.proto", "grpc/reflection/v1alpha/reflection.proto"]
    code = protoc.main(["protoc", "-I" + os.path.join(repo_root, "protos"), "-I" + WELL_KNOWN,
                        "--python_out=" + out, "--grpc_python_out=" + out] + files)
    if code != 0:
        sys.exit("protoc failed: %d" % code)
    sys.path.insert(0, out)
    # The generated grpc/health and grpc/reflection folders sit under a top-level "grpc" that grpcio owns;
    # extending grpc's package path lets "grpc.health.v1" resolve to them.
    grpc.__path__.append(os.path.join(out, "grpc"))


def main(repo_root, target):
    generate(repo_root)
    from grpc.health.v1 import health_pb2, health_pb2_grpc  # noqa: E402  (generated above)
    from grpc.reflection.v1alpha import reflection_pb2, reflection_pb2_grpc  # noqa: E402

    with grpc.insecure_channel(target) as channel:
        reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
        responses = reflection.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=10)
        services = [s.name for r in responses for s in r.list_services_response.service]

        health = health_pb2_grpc.HealthStub(channel)
        statuses = {"": health_pb2.HealthCheckResponse.ServingStatus.Name(
            health.Check(health_pb2.HealthCheckRequest(service=""), timeout=10).status)}
        for name in services:
            reply = health.Check(health_pb2.HealthCheckRequest(service=name), timeout=10)
            statuses[name] = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
    print(json.dumps({"services": services, "health": statuses}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
