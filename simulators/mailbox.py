"""A mail server, as a real SMTP server on loopback (aiosmtpd), and the mailbox behind it:
what customers were sent, read over HTTP by tests and the demo.

SMTP (RFC 5321) on `--smtp-port`: every message accepted is kept with its envelope and
headers. Test side on `--port`: GET /_messages (each: from, to, subject, message_id,
body), POST /_control {"refuse_next": N} (the next N recipients are refused with
550, as a mailbox that does not exist), POST /_clear.

    python -m simulators.mailbox --port 9701 --smtp-port 9725
"""

import argparse
import asyncio
import email
from email.message import Message
from email.policy import default
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI


class Mailbox:
    """What the mail server accepted, and what it is told to refuse."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.refuse_next = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.refuse_next:
            self.refuse_next -= 1
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        parsed: Message = email.message_from_bytes(envelope.content or b"", policy=default)
        body = parsed.get_body(("plain",))  # type: ignore[attr-defined]
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "subject": str(parsed["Subject"]),
                "message_id": str(parsed["Message-ID"]),
                "body": body.get_content() if body is not None else "",
            }
        )
        return "250 Message accepted for delivery"


def create_app(mailbox: Mailbox) -> FastAPI:
    app = FastAPI(title="mailbox simulator")

    @app.get("/_messages")
    async def messages() -> list[dict[str, Any]]:
        return mailbox.messages

    @app.post("/_control")
    async def control(body: dict[str, int]) -> dict[str, int]:
        mailbox.refuse_next = int(body.get("refuse_next", 0))
        return {"refuse_next": mailbox.refuse_next}

    @app.post("/_clear")
    async def clear() -> dict[str, int]:
        mailbox.messages.clear()
        return {"messages": 0}

    return app


async def serve(port: int, smtp_port: int) -> None:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        config = uvicorn.Config(
            create_app(mailbox), host="127.0.0.1", port=port, log_level="warning"
        )
        await uvicorn.Server(config).serve()
    finally:
        controller.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Crossdock's mail server simulator")
    parser.add_argument("--port", type=int, required=True, help="the mailbox's HTTP port")
    parser.add_argument("--smtp-port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.smtp_port))


if __name__ == "__main__":
    main()
