#!/usr/bin/env python3
"""A minimal OTLP/HTTP traces receiver (JSON encoding) that writes every span it is sent
as one JSON line: where a collector would be, for the traces test (TraceTests) and for a
look at an appeal's trace on a dev stack without one:

    Ops/tools/otlp_sink.py --port 4318 --out .hotline/spans.jsonl &
    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/json Ops/dev up

Each line: service, trace_id, span_id, parent_span_id (hex, as in a traceparent), name,
kind, attributes (flattened) and links. Only POST /v1/traces with application/json is
accepted (415 otherwise: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json)."""
import argparse
import base64
import gzip
import json
import re
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock

HEX = re.compile(r"^[0-9a-f]*$")


def hex_id(value):
    """OTLP/JSON writes ids in hex; protobuf's JSON mapping (some exporters) in base64."""
    if not value:
        return ""
    if len(value) in (16, 32) and HEX.match(value):
        return value
    return base64.b64decode(value).hex()


def attribute_value(value):
    for kind in ("stringValue", "boolValue", "doubleValue"):
        if kind in value:
            return value[kind]
    if "intValue" in value:
        return int(value["intValue"])
    return value


def flatten(attributes):
    return {a["key"]: attribute_value(a.get("value", {})) for a in attributes or []}


def spans_of(request):
    for resource_spans in request.get("resourceSpans", []):
        service = flatten(resource_spans.get("resource", {}).get("attributes")).get("service.name", "")
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                yield {
                    "service": service,
                    "trace_id": hex_id(span.get("traceId")),
                    "span_id": hex_id(span.get("spanId")),
                    "parent_span_id": hex_id(span.get("parentSpanId")),
                    "name": span.get("name", ""),
                    "kind": span.get("kind"),
                    "attributes": flatten(span.get("attributes")),
                    "links": [{"trace_id": hex_id(l.get("traceId")), "span_id": hex_id(l.get("spanId"))} for l in span.get("links", [])],
                    "status": span.get("status", {}),
                }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--out", required=True, help="JSON-lines file the spans are appended to")
    args = parser.parse_args()
    lock = Lock()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path != "/v1/traces":
                return self.answer(404, {"error": "only /v1/traces"})
            if "json" not in self.headers.get("Content-Type", ""):
                return self.answer(415, {"error": "JSON only: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json"})
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            try:
                spans = list(spans_of(json.loads(body)))
            except (ValueError, KeyError, TypeError) as error:
                return self.answer(400, {"error": str(error)})
            with lock, open(args.out, "a", encoding="utf-8") as out:
                for span in spans:
                    out.write(json.dumps(span, ensure_ascii=False) + "\n")
            self.answer(200, {})

        def answer(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_):
            pass

    # A parent may have started this with SIGTERM blocked (a Swift test process does): stop on it.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = ThreadingHTTPServer((args.host, args.port), Receiver)
    print(f"otlp_sink: listening on http://{args.host}:{args.port}/v1/traces, writing {args.out}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
