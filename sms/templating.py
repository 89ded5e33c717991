"""SMS templates and signatures as data: rendering a template to text, and finding the template of a text."""


def match_text(text: str, gateway: str = "") -> tuple[str, dict] | None:
    """(provider template code, parameters) of the approved template that renders to `text`, if any."""
    return None
