"""Python grpcio (C-core) client for the interop tests. Each case makes real calls against --target and
prints one JSON object describing what it observed; the xunit test asserts on it.

Usage: client.py --gen DIR --target HOST:PORT CASE [--size N] [--call-id ID]
"""
import argparse
import json
import sys

import grpc

import peer

SERVICE = "mappa.interop.v1.InteropTestService"
CASES = {}


def case(function):
    CASES[function.__name__] = function
    return function


def stub(channel):
    from mappa.interop.v1 import interop_pb2_grpc

    return interop_pb2_grpc.InteropTestServiceStub(channel)


def pb():
    from mappa.interop.v1 import interop_pb2

    return interop_pb2


def echo_failure(channel, **failure):
    try:
        stub(channel).Echo(pb().EchoRequest(fail_with=pb().Failure(**failure)), timeout=10)
    except grpc.RpcError as error:
        return peer.rpc_error_to_dict(error)
    return {"code": "OK"}


@case
def unary_ok(channel, args):
    payload = bytes(range(256)) * 4
    response, call = stub(channel).Echo.with_call(pb().EchoRequest(payload=payload, text="caf\u00e9 \u2713"), timeout=10)
    return {
        "code": call.code().name,
        "payload_matches": response.payload == payload,
        "text": response.text,
    }


@case
def invalid_argument_with_field_violations(channel, args):
    return echo_failure(
        channel,
        code=grpc.StatusCode.INVALID_ARGUMENT.value[0],
        message="request is invalid",
        field_violations=[
            pb().FieldViolation(field="subject_id", description="must not be empty"),
            pb().FieldViolation(field="identifiers[0].value", description="is too long"),
        ],
    )


@case
def not_found(channel, args):
    return echo_failure(channel, code=grpc.StatusCode.NOT_FOUND.value[0], message="subject-404")


@case
def failed_precondition_with_error_info(channel, args):
    return echo_failure(
        channel,
        code=grpc.StatusCode.FAILED_PRECONDITION.value[0],
        message="The assessment is already completed.",
        reason="ASSESSMENT_ALREADY_COMPLETED",
    )


@case
def permission_denied_with_error_info(channel, args):
    return echo_failure(
        channel,
        code=grpc.StatusCode.PERMISSION_DENIED.value[0],
        message="caller is outside the area",
        reason="AREA_OUT_OF_SCOPE",
        domain="interop.mappa",
        metadata={"area": "north"},
    )


@case
def metadata_both_ways(channel, args):
    keys = ["x-interop-text", "x-interop-data-bin", "x-interop-absent"]
    response, call = stub(channel).EchoMetadata.with_call(
        pb().EchoMetadataRequest(keys=keys),
        metadata=(("x-interop-text", "plain value"), ("x-interop-data-bin", bytes([0, 1, 2, 254, 255]))),
        timeout=10,
    )
    return {
        "code": call.code().name,
        "found_keys": list(response.found_keys),
        "headers": peer.metadata_to_dict(call.initial_metadata()),
        "trailers": peer.metadata_to_dict(call.trailing_metadata()),
    }


@case
def deadline_exceeded(channel, args):
    # Connect first, so the whole deadline is left for the Sleep call to reach the server even on a busy machine.
    stub(channel).Echo(pb().EchoRequest(text="connect"), timeout=30)
    try:
        stub(channel).Sleep(pb().SleepRequest(milliseconds=60000, call_id=args.call_id), timeout=1.0)
    except grpc.RpcError as error:
        return {"code": error.code().name}
    return {"code": "OK"}


@case
def client_cancellation(channel, args):
    """Starts a long Sleep, then cancels it when the test writes a line to stdin (once the server has it)."""
    future = stub(channel).Sleep.future(pb().SleepRequest(milliseconds=60000, call_id=args.call_id), timeout=60)
    sys.stdin.readline()
    cancelled = future.cancel()
    try:
        future.result()
        code = "OK"
    except grpc.FutureCancelledError:
        code = "CANCELLED"
    except grpc.RpcError as error:
        code = error.code().name
    return {"cancel_accepted": cancelled, "code": code}


@case
def server_streaming(channel, args):
    call = stub(channel).Count(pb().CountRequest(count=args.size or 100), timeout=30)
    numbers = [message.number for message in call]
    return {"code": call.code().name, "numbers": numbers}


@case
def oversized_request(channel, args):
    try:
        stub(channel).Echo(pb().EchoRequest(payload=b"x" * args.size), timeout=10)
    except grpc.RpcError as error:
        return {"code": error.code().name, "message": error.details()}
    return {"code": "OK"}


@case
def oversized_response(channel, args):
    try:
        stub(channel).Echo(pb().EchoRequest(response_size=args.size), timeout=10)
    except grpc.RpcError as error:
        return {"code": error.code().name, "message": error.details()}
    return {"code": "OK"}


def raw_call(channel, method):
    identity = lambda data: data  # noqa: E731 - raw bytes both ways
    try:
        channel.unary_unary(method, request_serializer=identity, response_deserializer=identity)(b"", timeout=10)
    except grpc.RpcError as error:
        return error.code().name
    return "OK"


@case
def unknown_method(channel, args):
    return {
        "unknown_method": raw_call(channel, "/%s/NoSuchMethod" % SERVICE),
        "unknown_service": raw_call(channel, "/mappa.interop.v1.NoSuchService/Echo"),
    }


@case
def health_check(channel, args):
    from grpc.health.v1 import health_pb2, health_pb2_grpc

    health = health_pb2_grpc.HealthStub(channel)
    result = {}
    for service in ["", SERVICE, "no.such.Service"]:
        try:
            response = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
            result[service or "(server)"] = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
        except grpc.RpcError as error:
            result[service or "(server)"] = error.code().name
    return result


@case
def reflection(channel, args):
    from google.protobuf import descriptor_pb2
    from grpc.reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

    requests = [
        reflection_pb2.ServerReflectionRequest(list_services=""),
        reflection_pb2.ServerReflectionRequest(file_containing_symbol=SERVICE),
        reflection_pb2.ServerReflectionRequest(file_containing_symbol="no.such.Symbol"),
    ]
    responses = list(reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(iter(requests), timeout=10))
    listed = [s.name for s in responses[0].list_services_response.service]
    files = [
        descriptor_pb2.FileDescriptorProto.FromString(raw)
        for raw in responses[1].file_descriptor_response.file_descriptor_proto
    ]
    interop_file = next((f for f in files if f.package == "mappa.interop.v1"), None)
    return {
        "services": listed,
        "files": [f.name for f in files],
        "interop_methods": [m.name for m in interop_file.service[0].method] if interop_file else [],
        "unknown_symbol_error": responses[2].error_response.error_code,
    }


@case
def gzip_request(channel, args):
    payload = b"compressible " * 2000
    response, call = stub(channel).Echo.with_call(
        pb().EchoRequest(payload=payload, text="gzip"), timeout=10, compression=grpc.Compression.Gzip
    )
    return {"code": call.code().name, "payload_matches": response.payload == payload, "text": response.text}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--call-id", default="")
    parser.add_argument("case", choices=sorted(CASES))
    args = parser.parse_args()
    peer.use_generated(args.gen)
    options = [("grpc.max_receive_message_length", 16 * 1024 * 1024)]
    with grpc.insecure_channel(args.target, options=options) as channel:
        result = CASES[args.case](channel, args)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
