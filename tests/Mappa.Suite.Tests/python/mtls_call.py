"""Calls one unary RPC over mutual TLS with grpcio, the way a partner agency's Python system would.

usage: mtls_call.py TARGET METHOD SERVER_CA_PEM CLIENT_CERT_PEM CLIENT_KEY_PEM TOKEN
Prints the status code name (OK, UNAUTHENTICATED, ...) and exits 0 whatever the status, so the test decides.
"""
import sys

import grpc


def main() -> None:
    target, method, server_ca, client_cert, client_key, token = sys.argv[1:7]
    with open(server_ca, "rb") as f:
        root = f.read()
    with open(client_cert, "rb") as f:
        chain = f.read()
    with open(client_key, "rb") as f:
        key = f.read()
    credentials = grpc.ssl_channel_credentials(root_certificates=root, private_key=key, certificate_chain=chain)
    # The test server's certificate is issued to "localhost"; the target is an IP address.
    options = [("grpc.ssl_target_name_override", "localhost")]
    with grpc.secure_channel(target, credentials, options=options) as channel:
        call = channel.unary_unary(method, request_serializer=None, response_deserializer=None)
        try:
            call(b"", metadata=[("authorization", "Bearer " + token)], timeout=30)
            print("OK")
        except grpc.RpcError as error:
            print(error.code().name)


if __name__ == "__main__":
    main()
