"""Python grpcio (C-core) server implementing InteropTestService and grpc.health.v1.Health, so our client
(and the benchmark) can be checked against a gRPC server we did not write.

Usage: server.py --gen DIR [--port N] [--host 127.0.0.1]
Prints "listening PORT" on stdout once it accepts calls; stops on SIGTERM/SIGINT or when stdin closes.
"""
import argparse
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

import peer

SERVICE = "mappa.interop.v1.InteropTestService"


def status_code(number):
    for code in grpc.StatusCode:
        if code.value[0] == number:
            return code
    return grpc.StatusCode.UNKNOWN


def build_servicer():
    from google.rpc import error_details_pb2, status_pb2
    from mappa.interop.v1 import interop_pb2, interop_pb2_grpc

    class InteropServicer(interop_pb2_grpc.InteropTestServiceServicer):
        def Echo(self, request, context):
            if request.HasField("fail_with"):
                self._fail(request.fail_with, context)
            payload = b"x" * request.response_size if request.response_size > 0 else request.payload
            return interop_pb2.EchoResponse(payload=payload, text=request.text)

        def _fail(self, failure, context):
            status = status_pb2.Status(code=failure.code, message=failure.message)
            if failure.field_violations:
                bad_request = error_details_pb2.BadRequest(
                    field_violations=[
                        error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                        for v in failure.field_violations
                    ]
                )
                status.details.add().Pack(bad_request)
            if failure.reason:
                info = error_details_pb2.ErrorInfo(
                    reason=failure.reason, domain=failure.domain, metadata=dict(failure.metadata)
                )
                status.details.add().Pack(info)
            context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
            context.abort(status_code(failure.code), failure.message)

        def Sleep(self, request, context):
            until = time.monotonic() + request.milliseconds / 1000.0
            while time.monotonic() < until:
                if not context.is_active():
                    return interop_pb2.SleepResponse(completed=False)
                time.sleep(0.005)
            return interop_pb2.SleepResponse(completed=True)

        def Count(self, request, context):
            for number in range(1, request.count + 1):
                yield interop_pb2.CountResponse(number=number)

        def EchoMetadata(self, request, context):
            incoming = context.invocation_metadata()
            wanted = set(request.keys)
            echoed = [(key, value) for key, value in incoming if key in wanted]
            context.send_initial_metadata(echoed)
            context.set_trailing_metadata([("trailer-" + key, value) for key, value in echoed])
            found = []
            for key, _ in echoed:
                if key not in found:
                    found.append(key)
            return interop_pb2.EchoMetadataResponse(found_keys=found)

    return InteropServicer()


def build_health():
    from grpc.health.v1 import health_pb2, health_pb2_grpc

    serving = {"": health_pb2.HealthCheckResponse.SERVING, SERVICE: health_pb2.HealthCheckResponse.SERVING}

    class HealthServicer(health_pb2_grpc.HealthServicer):
        def Check(self, request, context):
            if request.service not in serving:
                context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
            return health_pb2.HealthCheckResponse(status=serving[request.service])

    return HealthServicer()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    peer.use_generated(args.gen)
    from grpc.health.v1 import health_pb2_grpc
    from mappa.interop.v1 import interop_pb2_grpc

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers))
    interop_pb2_grpc.add_InteropTestServiceServicer_to_server(build_servicer(), server)
    health_pb2_grpc.add_HealthServicer_to_server(build_health(), server)
    port = server.add_insecure_port("%s:%d" % (args.host, args.port))
    if port == 0:
        sys.exit("could not bind %s:%d" % (args.host, args.port))
    server.start()
    print("listening %d" % port, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    # The parent closing our stdin (e.g. the test process dying) also stops the server.
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait()
    server.stop(grace=0.5).wait()


if __name__ == "__main__":
    main()
