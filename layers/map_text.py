"""What the map shows on a day, as text (issue 24): the text alternative of the map for
readers who cannot see it (WCAG 1.1.1), and a list to read beside it.

:func:`map_text_rows` gives one row per thing the view draws that is in force on its
day: who holds each area, the sites, the events begun by the day (and the user's own
layers' features), then the user's annotations; the layers that never change (borders,
towns) are named by the legend and left out. Plain text: the caller shows it through
its own escaping path (the app: a table, which shows text as text).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.dataset import Dataset
from geo.situation import state_at
from layers.briefing.annotations import KIND_TITLES
from layers.briefing.view import View
from layers.catalog import layer, runtime_specs
from layers.features import features

#: The detail of a feature shown in the "Detail" column, in this order of preference.
_DETAIL_FIELDS = ("Held by", "Date", "Operator", "Shows", "Period", "Kind")
#: Columns of the table.
COLUMNS = ("Layer", "Name", "Status", "Detail")


@dataclass(frozen=True)
class MapTextRow:
    """One line of the text alternative."""

    layer: str
    name: str
    status: str
    detail: str


def map_text_rows(dataset: Dataset, view: View) -> list[MapTextRow]:
    """The rows of what ``view`` shows on its day (see the module docstring), layers in
    the catalogue's order, the user's own after them, then the annotations."""
    situation = state_at(dataset, view.day)
    rows: list[MapTextRow] = []
    dated = [i for i in view.layers if layer(i).dated]
    for spec in [layer(i) for i in dated] + list(runtime_specs()):
        for feature in features(dataset, situation, spec, view.convention) or ():
            details = dict(feature.details)
            detail = next((details[f] for f in _DETAIL_FIELDS if details.get(f)), "")
            rows.append(MapTextRow(spec.title, feature.label, feature.status, detail))
    for number, annotation in enumerate(view.annotations, start=1):
        rows.append(
            MapTextRow(
                "Annotations (yours)",
                annotation.label or f"({KIND_TITLES[annotation.kind].lower()} {number})",
                "",
                f"{KIND_TITLES[annotation.kind]}, {annotation.colour}",
            )
        )
    return rows
