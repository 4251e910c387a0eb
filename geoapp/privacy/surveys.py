"""What may be shown of survey results: aggregates of at least GEOAPP_SURVEY_MIN_N respondents, as entered.

A survey result is already an aggregate (an index or a share over many respondents). One from fewer than
the smallest n is refused at import; should the setting be raised later, results stored with a smaller n
are withheld here too. A result without n is shown as entered, marked as such. Results are never summed
or combined across areas, so nothing can be subtracted out of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from geoapp.privacy.seal import Sealed


@dataclass(frozen=True)
class SurveyResult:
    """One published survey result: area id, year, indicator, value, and n and interval when given."""

    area_id: str
    year: int
    indicator: str
    value: float
    n: int | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class PublishedSurveys(Sealed):
    """The survey results that may be shown, by (area id, year, indicator)."""

    results: dict
    min_n: int

    def get(self, key, default=None):
        return self.results.get(key, default)

    def __iter__(self):
        return iter(self.results)


def publish_surveys(rows: Sequence[Mapping], min_n: int) -> PublishedSurveys:
    """Return the stored results (rows of store.surveys.results_of) that may be shown."""
    results = {(r["area_id"], r["year"], r["indicator"]): SurveyResult(**{k: r[k] for k in SurveyResult.__annotations__})
               for r in rows if r["n"] is None or r["n"] >= min_n}
    return PublishedSurveys(results, min_n)
