"""Generates the Python modules the interop peers import, from the same .proto files the C# side compiles.

Usage: protogen.py OUT_DIR   (then put OUT_DIR on sys.path / PYTHONPATH)
"""
import os
import sys

from grpc_tools import protoc

try:  # grpc_tools ships the well-known types (google/protobuf/*.proto) beside itself
    import importlib.resources as resources
    WELL_KNOWN = str(resources.files("grpc_tools") / "_proto")
except Exception:  # pragma: no cover - older Pythons
    import pkg_resources
    WELL_KNOWN = pkg_resources.resource_filename("grpc_tools", "_proto")

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_PROJECT = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(TEST_PROJECT))

INCLUDES = [
    os.path.join(TEST_PROJECT, "Protos"),
    os.path.join(TEST_PROJECT, "PeerProtos"),
    os.path.join(REPO, "protos"),
    WELL_KNOWN,
]

FILES = [
    "mappa/interop/v1/interop.proto",
    "mappa/common/v1/access.proto",
    "grpc/health/v1/health.proto",
    "grpc/reflection/v1alpha/reflection.proto",
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
]


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    args = ["protoc"] + ["-I" + i for i in INCLUDES] + [
        "--python_out=" + out_dir,
        "--grpc_python_out=" + out_dir,
    ] + FILES
    code = protoc.main(args)
    if code != 0:
        sys.exit("protoc failed with exit code %d" % code)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
