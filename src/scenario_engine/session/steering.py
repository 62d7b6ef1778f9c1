"""The client events that steer the dialog, as the Dialog's own events."""

from __future__ import annotations

from scenario_engine.domain.dialog_events import Configure, EndRolePlay, Event, SlotEdited
from scenario_engine.domain.dialog_state import SessionOptions
from scenario_engine.domain.slots import Slot
from scenario_engine.protocol import ClientEvent, RolePlayEnd, ScenarioEdit, SessionConfigure

_SLOT_OF_FIELD = {
    "place": Slot.PLACE,
    "conversation_partner": Slot.PARTNER,
    "conversation_goal": Slot.GOAL,
}


def dialog_event(event: ClientEvent) -> Event | None:
    """The Dialog event a client event stands for, or None for audio and text."""
    if isinstance(event, SessionConfigure):
        options = SessionOptions(event.confirm_scenario, event.roleplay, event.help_language)
        return Configure(options)
    if isinstance(event, ScenarioEdit):
        return SlotEdited(_SLOT_OF_FIELD[event.field], event.value)
    if isinstance(event, RolePlayEnd):
        return EndRolePlay()
    return None
