"""Who may open a session: client authentication and the browser Origin allow-list.

A credential comes as ``Authorization: Bearer <token>`` or, for browsers (which cannot set
headers on a WebSocket), as the ``token`` query parameter. It is either the shared token or
an HMAC session token (transport.tokens).
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.websockets import WebSocket

from scenario_engine.config import AppConfig
from scenario_engine.protocol import ErrorCode, ProtocolError
from scenario_engine.transport.tokens import session_token_problem


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
            ErrorCode.UNAUTHORIZED, "a token is required (Authorization header or ?token=)"
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


def _credential(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return websocket.query_params.get("token") or None


def _origin_allowed(origin: str, websocket: WebSocket, config: AppConfig) -> bool:
    """The service's own pages are always allowed; other origins only when listed."""
    allowed = config.allowed_origins
    if "*" in allowed or origin.rstrip("/") in allowed:
        return True
    return urlsplit(origin).netloc == websocket.headers.get("host")
