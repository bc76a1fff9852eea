#!/usr/bin/env python3
"""A partner agency's subscriber to MAPPA events, with pika.

Reads the agency's own queue (mappa.partner.<agency>.events), prints each event's type, id, subject and the RPC
that returns its detail, then acknowledges it. The agency's RabbitMQ user may only read its queue: this script
declares nothing and binds nothing (`mappa partners provision` did that).

    MAPPA_SUBSCRIBER_AMQP=amqp://mappa-partner-glasgow:PASSWORD@rabbit:5672/%2F \
    MAPPA_SUBSCRIBER_AGENCY=glasgow python3 subscriber.py [--max-messages N]
"""
import argparse
import collections
import json
import os
import sys

import pika


def describe(body):
    """One line about the event in a MassTransit envelope (docs/events.md, "On the wire"); raises if it is not one."""
    message = json.loads(body)["message"]
    detail = message["detail"]
    return "{} v{} event={} subject={} area={} detail={}({}={})".format(
        message["eventType"], message["version"], message["eventId"], message["subject"]["subjectId"],
        message.get("area") or "-", detail["method"], detail["idField"], detail["id"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-messages", type=int, default=None, help="stop after handling this many messages")
    args = parser.parse_args()

    amqp = os.environ.get("MAPPA_SUBSCRIBER_AMQP")
    agency = os.environ.get("MAPPA_SUBSCRIBER_AGENCY")
    queue = os.environ.get("MAPPA_SUBSCRIBER_QUEUE") or (f"mappa.partner.{agency}.events" if agency else None)
    if not amqp or not queue:
        print("Set MAPPA_SUBSCRIBER_AMQP (amqp://user:password@host:5672/vhost) and MAPPA_SUBSCRIBER_AGENCY "
              "(or MAPPA_SUBSCRIBER_QUEUE).", file=sys.stderr)
        return 2

    parameters = pika.URLParameters(amqp)
    parameters.client_properties = {"connection_name": f"mappa-subscriber-py {agency or queue}"}
    connection = pika.BlockingConnection(parameters)
    channel = connection.channel()
    channel.basic_qos(prefetch_count=10)

    # At-least-once delivery: a redelivered event has the same message id. A real subscriber keeps processed ids in
    # its own database; this sample remembers the last few thousand in memory.
    seen = collections.OrderedDict()
    handled = 0

    def on_message(ch, method, properties, body):
        nonlocal handled
        try:
            line = describe(body)
        except (ValueError, KeyError, TypeError) as error:
            # Not an event we understand: reject without requeue, so it goes to the agency's dead-letter queue.
            print(f"rejected message {properties.message_id}: {error!r}", file=sys.stderr, flush=True)
            ch.basic_nack(method.delivery_tag, requeue=False)
            return
        message_id = properties.message_id or ""
        if message_id in seen:
            print(f"duplicate {message_id} (already handled)", flush=True)
        else:
            seen[message_id] = True
            if len(seen) > 5000:
                seen.popitem(last=False)
            print(line, flush=True)
        ch.basic_ack(method.delivery_tag)
        handled += 1
        if args.max_messages is not None and handled >= args.max_messages:
            ch.stop_consuming()

    channel.basic_consume(queue=queue, on_message_callback=on_message)
    print(f"consuming {queue}; Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        channel.start_consuming()
    except KeyboardInterrupt:
        channel.stop_consuming()
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
