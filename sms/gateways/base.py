from dataclasses import dataclass


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    status: str
    error_code: str = ""


class Gateway:
    """One SMS provider. Backends implement send(); the SMS issue adds delivery tracking."""

    name = "base"

    def send(self, to: str, body: str) -> SendResult:
        raise NotImplementedError
