import logging
import threading
import uuid

from .base import Gateway, SendResult

logger = logging.getLogger(__name__)


class GatewayBackend(Gateway):
    """The embedded default: nothing leaves the machine. Each message is printed to the log and kept in memory."""

    name = "console"
    outbox: list[tuple[str, str]] = []
    _lock = threading.Lock()

    def send(self, to, body, status_callback=None, template=None):
        with self._lock:
            self.outbox.append((to, body))
        logger.info("SMS to %s: %s", to, body)
        return SendResult(provider_id=f"console-{uuid.uuid4().hex}", status="sent")

    def find_sent(self, to, body, since):
        # Nothing really leaves the machine, so resending after a crash cannot reach a phone twice.
        return None

    def verify_request(self, request):
        return False  # there is no provider to call us back

    def parse_status(self, data):
        return None

    def parse_inbound(self, data):
        return None
