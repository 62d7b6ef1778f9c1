"""Where session state lives between connections: in this process, or in Redis for many."""

from scenario_engine.store.base import Claim, SessionStore, StoreError
from scenario_engine.store.factory import open_store
from scenario_engine.store.guard import StoreGuard

__all__ = ["Claim", "SessionStore", "StoreError", "StoreGuard", "open_store"]
