"""How many connections each worker process holds, in memory the parent shares with every worker it forks."""

from __future__ import annotations

import mmap

VACANT = -1
SLACK = 1  # how many connections more than the emptiest worker one may hold and still accept more


class Connections:
    """One count of open connections per worker slot; a slot whose worker has ended is vacant."""

    def __init__(self, slots: int):
        # Anonymous shared memory: after a fork, parent and child see the same bytes.
        self._memory = mmap.mmap(-1, 8 * slots, flags=mmap.MAP_SHARED)
        self.counts = memoryview(self._memory).cast("q")
        for slot in range(slots):
            self.counts[slot] = VACANT

    def vacate(self, slot: int) -> None:
        """Forget the count of a worker that has ended."""
        self.counts[slot] = VACANT

    def of(self, slot: int) -> "Share":
        """Return the view one worker has: its own count to set, the others' to compare with."""
        return Share(self, slot)


class Share:
    """A worker's slot in Connections."""

    def __init__(self, connections: Connections, slot: int):
        self.counts, self.slot = connections.counts, slot

    def leave(self) -> None:
        """Stop counting this worker: it accepts no more connections."""
        self.counts[self.slot] = VACANT

    def may_accept(self, holding: int) -> bool:
        """Record that this worker holds `holding` connections; tell whether it should accept another."""
        self.counts[self.slot] = holding
        # Reads of the other slots may be a moment old; that only shifts one connection between workers.
        fewest = min((count for count in self.counts if count != VACANT), default=holding)
        return holding <= fewest + SLACK
