"""Activities of the municipality and the police (dialogues, police presence, advice): their kinds and what is stored.

What is published of them, after the delay, is decided in privacy/activities.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from geoapp.i18n import N_, language

DIALOGUE, POLICE_PRESENCE, ADVICE = "dialogue", "police_presence", "advice"
KINDS = (DIALOGUE, POLICE_PRESENCE, ADVICE)
LABELS = {
    DIALOGUE: ("medborgardialog", "citizen dialogue"),
    POLICE_PRESENCE: ("polisnärvaro", "police presence"),
    ADVICE: ("rådgivning", "advice"),
}
OTHER_WORDS = {DIALOGUE: ("dialog", "dialogue"), POLICE_PRESENCE: ("police presence", "närvaro"),
               ADVICE: ("radgivning", "råd")}
KIND_BY_WORD = {word.casefold(): kind for kind in KINDS
                for word in (kind, kind.replace("_", " "), *LABELS[kind], *OTHER_WORDS[kind])}
# The map's two layers: dialogues with advice (meeting residents), and police presence.
LAYERS = ((N_("Dialogues and advice"), (DIALOGUE, ADVICE)),
          (N_("Police presence"), (POLICE_PRESENCE,)))


def kind_label(kind: str) -> str:
    """Return the name of an activity kind in the language shown now."""
    return LABELS[kind][0] if language() == "sv" else LABELS[kind][1]


def kind_of(text: str) -> str | None:
    """Return the activity kind for a key or a Swedish or English label (case and spacing ignored), or None."""
    return KIND_BY_WORD.get(" ".join(text.replace("_", " ").split()).casefold())


@dataclass(frozen=True)
class Activity:
    """One stored activity: never a name, participants only as a count."""

    place_id: int
    kind: str
    started_at: datetime
    duration_min: int | None = None
    participants: int | None = None

    @property
    def ended_at(self) -> datetime:
        return self.started_at + timedelta(minutes=self.duration_min or 0)
