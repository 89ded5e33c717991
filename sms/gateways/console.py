import logging
import uuid

from .base import Gateway, SendResult

logger = logging.getLogger(__name__)


class GatewayBackend(Gateway):
    """The embedded default: nothing leaves the machine; each message is logged and kept in memory."""

    name = "console"
    outbox: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> SendResult:
        self.outbox.append((to, body))
        logger.info("SMS to %s: %s", to, body)
        return SendResult(provider_id=f"console-{uuid.uuid4().hex}", status="sent")
