"""The drill server's wire format (docs/drill-protocol.md): one JSON object per
WebSocket text frame, each with a ``type``. This module only names the version and
checks frames; :mod:`drillsim.drill.server` and :mod:`drillsim.drill.client` speak it.
"""

from __future__ import annotations

import json
from typing import Any

#: the protocol's name and version; a client's ``hello`` must give exactly this
PROTOCOL = "drillsim-drill/1"
#: the largest frame a server accepts from a seat (bytes): an order line or a note
MAX_CLIENT_FRAME = 16 * 1024
#: the largest frame a client accepts (the review, a re-joining seat's history comes in
#: one frame per item, so this bounds one item)
MAX_SERVER_FRAME = 8 * 1024 * 1024
#: the longest order line or note accepted (characters)
MAX_LINE = 500
#: what a client may send, and the fields each needs (name: type)
CLIENT_TYPES: dict[str, dict[str, type]] = {
    "hello": {"protocol": str, "seat": str, "secret": str},
    "order": {"line": str},
    "clock": {"action": str},
    "note": {"text": str},
}
CLOCK_ACTIONS = ("pause", "run", "speed", "next", "advance")


class ProtocolError(ValueError):
    """A frame that is not a valid message (its text says what is wrong, and never
    quotes server state)."""


def encode(message: dict[str, Any]) -> str:
    """A message as the text of one frame."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def decode_client(text: str | bytes) -> dict[str, Any]:
    """Check a frame from a seat.

    :returns: the message (a dict with a known ``type`` and its fields).
    :raises ProtocolError: not JSON, not an object, unknown type, a field missing or of
        the wrong type, a line too long.
    """
    if isinstance(text, bytes):
        raise ProtocolError("send text frames (JSON), not binary")
    try:
        message = json.loads(text)
    except ValueError:
        raise ProtocolError("not JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message is a JSON object with a type")
    kind = message.get("type")
    if kind not in CLIENT_TYPES:
        raise ProtocolError(f"unknown message type (use one of {', '.join(CLIENT_TYPES)})")
    for name, typ in CLIENT_TYPES[kind].items():
        if not isinstance(message.get(name), typ):
            raise ProtocolError(f"{kind}: field {name!r} missing or not a {typ.__name__}")
    for name in ("line", "text"):
        if isinstance(message.get(name), str) and len(message[name]) > MAX_LINE:
            raise ProtocolError(f"{kind}: {name} longer than {MAX_LINE} characters")
    if "id" in message and not isinstance(message["id"], (int, str)):
        raise ProtocolError("id must be a number or a string")
    return message
