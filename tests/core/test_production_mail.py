"""Production settings send e-mail through the SMTP relay the environment names (DJANGO_EMAIL_HOST/PORT/...)."""

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def smtp_sink(server: socket.socket, received: list[bytes]) -> None:
    """Just enough of an SMTP server on the loopback to take one message."""
    connection, _address = server.accept()
    with connection, connection.makefile("rwb") as stream:

        def reply(line: bytes) -> None:
            stream.write(line + b"\r\n")
            stream.flush()

        reply(b"220 relay")
        while line := stream.readline():
            received.append(line)
            command = line[:4].upper()
            if command == b"DATA":
                reply(b"354 go on")
                while (data := stream.readline().rstrip(b"\r\n")) != b".":
                    received.append(data)
                reply(b"250 queued")
            elif command == b"QUIT":
                reply(b"221 bye")
                break
            else:
                reply(b"250 ok")


def test_mail_goes_to_the_configured_relay():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received: list[bytes] = []
    thread = threading.Thread(target=smtp_sink, args=(server, received), daemon=True)
    thread.start()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789-abcdefghij",
        "DJANGO_ALLOWED_HOSTS": "sotheodoi.example.vn",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/sotheodoi",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(server.getsockname()[1]),
    }
    code = (
        "import django; django.setup(); from django.core.mail import send_mail; "
        "print(send_mail('Nhắc hạn', 'Vụ việc sắp đến hạn', 'so-theo-doi@example.gov.vn', ['canbo@example.gov.vn']))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    thread.join(timeout=10)
    server.close()
    assert result.returncode == 0 and result.stdout.strip() == "1", result.stderr
    assert b"rcpt to:<canbo@example.gov.vn>" in b"".join(received).lower()
