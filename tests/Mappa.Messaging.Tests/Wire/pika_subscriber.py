"""A plain AMQP subscriber, as a partner agency's non-.NET system would write one.

Usage: pika_subscriber.py AMQP_URI EXCHANGE
Binds a private queue to the event's exchange, prints READY, waits for one message and prints it as one JSON line:
{"body": <the JSON body>, "content_type": ..., "message_id": ..., "headers": {...}, "exchange": ...}.
"""
import json
import sys

import pika


def main() -> int:
    uri, exchange = sys.argv[1], sys.argv[2]
    connection = pika.BlockingConnection(pika.URLParameters(uri))
    channel = connection.channel()
    # Same declaration as the publisher's (fanout, durable), so it does not matter who declares it first.
    channel.exchange_declare(exchange=exchange, exchange_type="fanout", durable=True)
    queue = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(queue=queue, exchange=exchange)
    print("READY", flush=True)

    for method, properties, body in channel.consume(queue, inactivity_timeout=60):
        if method is None:
            print(json.dumps({"error": "no message within 60 s"}), flush=True)
            return 1
        channel.basic_ack(method.delivery_tag)
        headers = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in (properties.headers or {}).items()}
        print(json.dumps({
            "body": json.loads(body),
            "content_type": properties.content_type,
            "message_id": properties.message_id,
            "delivery_mode": properties.delivery_mode,
            "headers": headers,
            "exchange": method.exchange,
        }, default=str), flush=True)
        break
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
