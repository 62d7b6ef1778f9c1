"""Who may open a session: client authentication and the browser Origin allow-list.

A credential comes, in order of preference, as ``Authorization: Bearer <token>``; for browsers
(which cannot set headers on a WebSocket) as a second offered subprotocol
``token.<base64url of the token>`` next to ``scenario-engine`` (``Sec-WebSocket-Protocol``,
kept out of URLs and so out of access logs); or, the old way, as the ``token`` query
parameter (masked in the logs). It is either the shared token or an HMAC session token
(transport.tokens).

The Origin check stops a web page the learner visits from opening sessions: the Origin must
be listed, or be the address the service itself listens on. The request's Host header is no
proof (DNS rebinding sets both to the attacker's name), so it is trusted only when a
credential is required anyway.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import urlsplit

from starlette.websockets import WebSocket

from scenario_engine.config import AppConfig, is_loopback
from scenario_engine.protocol import ErrorCode, ProtocolError
from scenario_engine.transport.tokens import session_token_problem

SUBPROTOCOL = "scenario-engine"
"""The subprotocol the service answers with when a client offers it (browsers insist that
the answer be one they offered; the token carrier must never be echoed)."""
TOKEN_SUBPROTOCOL_PREFIX = "token."


def access_problem(websocket: WebSocket, config: AppConfig) -> ProtocolError | None:
    """Why this connection may not open a session, or None when it may."""
    origin = websocket.headers.get("origin")
    if origin is not None and not _origin_allowed(origin, websocket, config):
        return ProtocolError(
            ErrorCode.ORIGIN_NOT_ALLOWED, f"origin {origin[:100]!r} is not allowed"
        )
    if not config.auth_required:
        return None
    token = _credential(websocket)
    if token is None:
        return ProtocolError(
            ErrorCode.UNAUTHORIZED,
            "a token is required (Authorization header, the token subprotocol or ?token=)",
        )
    if config.auth_token is not None and hmac.compare_digest(
        token.encode(), config.auth_token.get_secret_value().encode()
    ):
        return None
    if config.auth_secret is not None:
        problem = session_token_problem(config.auth_secret.get_secret_value(), token)
        if problem is None:
            return None
        return ProtocolError(ErrorCode.UNAUTHORIZED, problem)
    return ProtocolError(ErrorCode.UNAUTHORIZED, "the token is not valid")


def accepted_subprotocol(websocket: WebSocket) -> str | None:
    """``scenario-engine`` when the client offered it, else None (no subprotocol)."""
    return SUBPROTOCOL if SUBPROTOCOL in websocket.scope.get("subprotocols", ()) else None


def token_subprotocol(token: str) -> str:
    """The subprotocol that carries ``token`` (base64url: any token fits a header token)."""
    encoded = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
    return TOKEN_SUBPROTOCOL_PREFIX + encoded


def _credential(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    for offered in websocket.scope.get("subprotocols", ()):
        if offered.startswith(TOKEN_SUBPROTOCOL_PREFIX):
            return _decoded(offered.removeprefix(TOKEN_SUBPROTOCOL_PREFIX))
    return websocket.query_params.get("token") or None


def _decoded(encoded: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def _origin_allowed(origin: str, websocket: WebSocket, config: AppConfig) -> bool:
    allowed = config.allowed_origins
    if "*" in allowed or origin.rstrip("/") in allowed:
        return True
    if _is_own_address(origin, websocket):
        return True
    # With a credential required the token is the gate, and a page served under the
    # service's public name (behind a proxy) works without listing it.
    return config.auth_required and urlsplit(origin).netloc == websocket.headers.get("host")


def _is_own_address(origin: str, websocket: WebSocket) -> bool:
    """The Origin names the socket address this connection came in on (loopback names count
    as one another), which a rebinding page cannot: its Origin carries its own host name."""
    server = websocket.scope.get("server")
    if not server:
        return False
    local_host, local_port = server[0], server[1]
    try:
        parts = urlsplit(origin)
        origin_host, origin_port = parts.hostname, parts.port
    except ValueError:
        return False
    if origin_host is None:
        return False
    if origin_port is None:
        origin_port = 443 if parts.scheme == "https" else 80
    if origin_port != local_port:
        return False
    return origin_host == local_host or (is_loopback(local_host) and is_loopback(origin_host))
