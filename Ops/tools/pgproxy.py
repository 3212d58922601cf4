"""A TCP proxy in front of PostgreSQL for Ops/dev chaos: it forwards until told to hang,
then holds every connection open and accepts new ones without forwarding a byte, as a
network path that drops packets silently would (no refusal, no reset), until told to
forward again."""
import select
import socket
import threading


class HangingProxy:
    def __init__(self, target_port):
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(256)
        self.port = self.listener.getsockname()[1]
        self.forwarding = threading.Event()
        self.forwarding.set()
        self.closed = False
        threading.Thread(target=self.accept, daemon=True).start()

    def hang(self):
        self.forwarding.clear()

    def resume(self):
        self.forwarding.set()

    def close(self):
        self.closed = True
        self.forwarding.set()
        self.listener.close()

    def accept(self):
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self.pipe, args=(client,), daemon=True).start()

    def pipe(self, client):
        # A connection accepted while hanging waits, like one whose SYN-ACK got through but nothing after.
        self.forwarding.wait()
        try:
            server = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        ends = {client: server, server: client}
        try:
            while not self.closed:
                readable, _, _ = select.select(list(ends), [], [], 0.2)
                for source in readable:
                    # Hanging: bytes stay in the kernel's buffers, neither end hears anything.
                    self.forwarding.wait()
                    data = source.recv(65536)
                    if not data:
                        return
                    ends[source].sendall(data)
        except OSError:
            return
        finally:
            client.close()
            server.close()
