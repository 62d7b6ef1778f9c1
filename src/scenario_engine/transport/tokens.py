"""HMAC-signed, expiring session tokens: an app backend mints one per learner session.

Format: ``v1.<expires_unix>.<nonce>.<hex signature>``, the signature being HMAC-SHA256 of
``v1.<expires_unix>.<nonce>`` under the shared secret. Stateless to verify, so any worker or
instance behind a load balancer accepts it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

_VERSION = "v1"


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def mint_session_token(secret: str, ttl_s: float, now: float | None = None) -> str:
    expires = int((time.time() if now is None else now) + ttl_s)
    payload = f"{_VERSION}.{expires}.{secrets.token_hex(8)}"
    return f"{payload}.{_sign(secret, payload)}"


def session_token_problem(secret: str, token: str, now: float | None = None) -> str | None:
    """Why ``token`` is not acceptable, or None when it is valid and not expired."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != _VERSION or not parts[1].isdigit():
        return "malformed session token"
    payload, signature = ".".join(parts[:3]), parts[3]
    if not hmac.compare_digest(_sign(secret, payload), signature):
        return "bad session token signature"
    if int(parts[1]) < (time.time() if now is None else now):
        return "session token expired"
    return None
