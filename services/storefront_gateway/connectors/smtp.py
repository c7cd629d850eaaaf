"""Mail to customers over SMTP (RFC 5321), through the merchant's mail server
(aiosmtplib): STARTTLS and login where configured. The Message-ID is the queued
notice's own, so a resend after a lost answer is recognisable as the same message.

A 5xx answer (a refused recipient, a rejected message) is `Refused`: kept with the
server's reason; a 4xx, a timeout or a refused connection is `Unavailable`: retried.
"""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

import aiosmtplib

from services.storefront_gateway.connectors.errors import Refused, Unavailable


@dataclass(frozen=True)
class Letter:
    to: str
    subject: str
    body: str
    message_id: str  # "<notice-42@crossdock>": one per queued notice


class Mailer:
    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self._host, self._port, self._timeout = host, port, timeout
        self._username, self._password = username, password
        self._starttls = starttls
        self.sender = sender

    async def send(self, letter: Letter) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = letter.to
        message["Subject"] = letter.subject
        message["Message-ID"] = letter.message_id
        message["Date"] = formatdate(usegmt=True)
        message.set_content(letter.body)
        try:
            await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                timeout=self._timeout,
                start_tls=self._starttls,
                username=self._username,
                password=self._password,
            )
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise Refused(f"mail server: {exc.code} {exc.message}") from exc
            raise Unavailable(f"mail server: {exc.code} {exc.message}") from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            said = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            if all(r.code >= 500 for r in exc.recipients):
                raise Refused(f"mail server refused the recipient: {said}") from exc
            raise Unavailable(f"mail server deferred the recipient: {said}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise Unavailable(f"mail server: {type(exc).__name__}: {exc}") from exc
