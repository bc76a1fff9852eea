"""Shared set-up for the Python grpcio peers: makes the generated modules importable and decodes errors."""
import base64
import os
import sys

import grpc


def use_generated(gen_dir):
    """Puts protogen.py's output on the import path.

    grpc/health/v1 and grpc/reflection/v1alpha generate under a top-level "grpc" folder, which the grpcio
    package already owns; adding the generated folder to grpc.__path__ lets "grpc.health.v1" resolve there.
    """
    gen_dir = os.path.abspath(gen_dir)
    if not os.path.isdir(os.path.join(gen_dir, "mappa")):
        sys.exit("generated modules missing in %s: run protogen.py first" % gen_dir)
    sys.path.insert(0, gen_dir)
    grpc.__path__.append(os.path.join(gen_dir, "grpc"))


def b64(value):
    return base64.b64encode(value).decode("ascii")


def metadata_to_dict(metadata):
    """Metadata as {key: [values]}, binary values base64-encoded so they survive JSON."""
    result = {}
    for key, value in metadata or ():
        if isinstance(value, bytes):
            value = b64(value)
        result.setdefault(key, []).append(value)
    return result


def decode_status_details(trailing_metadata):
    """Decodes grpc-status-details-bin (google.rpc.Status) into plain data, or None if absent."""
    from google.rpc import error_details_pb2, status_pb2

    raw = None
    for key, value in trailing_metadata or ():
        if key == "grpc-status-details-bin":
            raw = value
    if raw is None:
        return None
    status = status_pb2.Status.FromString(raw)
    decoded = {"code": status.code, "message": status.message, "details": []}
    for any_detail in status.details:
        type_name = any_detail.type_url.split("/")[-1]
        entry = {"type": type_name}
        if type_name == "google.rpc.BadRequest":
            bad_request = error_details_pb2.BadRequest()
            any_detail.Unpack(bad_request)
            entry["field_violations"] = [
                {"field": v.field, "description": v.description} for v in bad_request.field_violations
            ]
        elif type_name == "google.rpc.ErrorInfo":
            info = error_details_pb2.ErrorInfo()
            any_detail.Unpack(info)
            entry.update({"reason": info.reason, "domain": info.domain, "metadata": dict(info.metadata)})
        elif type_name == "google.rpc.PreconditionFailure":
            failure = error_details_pb2.PreconditionFailure()
            any_detail.Unpack(failure)
            entry["violations"] = [
                {"type": v.type, "subject": v.subject, "description": v.description} for v in failure.violations
            ]
        decoded["details"].append(entry)
    return decoded


def rpc_error_to_dict(error):
    return {
        "code": error.code().name,
        "message": error.details(),
        "status_details": decode_status_details(error.trailing_metadata()),
        "trailers": metadata_to_dict(error.trailing_metadata()),
    }
