"""The domain model built once from all loaded documents: alliances, services, worksheets, templates.

Objects keep the raw document (``data``) for analyses that need more than the typed fields.
Documents that failed to load are absent; documents with schema errors are present as far as
their values have the expected types, so that cross-file rules still see them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gk.domain import TARGET_AGE, latest_sheet, sheet_order


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: Any) -> dict[str, str]:
    """A ``{de: ..., en: ...}`` mapping of texts; anything else counts as none."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


@dataclass(slots=True)
class Alliance:
    id: str
    file: str
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return _str(self.data.get("name")) or self.id

    @property
    def type(self) -> str | None:
        return _str(self.data.get("type"))

    @property
    def district(self) -> str | None:
        return _str(self.data.get("district"))

    @property
    def region(self) -> str | None:
        return _str(self.data.get("region"))


@dataclass(slots=True)
class Service:
    alliance: str
    id: str
    file: str
    data: dict[str, Any]

    @property
    def ref(self) -> str:
        return f"{self.alliance}/{self.id}"

    @property
    def title(self) -> str:
        return _str(self.data.get("title")) or self.id

    @property
    def status(self) -> str | None:
        return _str(self.data.get("status"))

    @property
    def fields(self) -> list[str]:
        return [f for f in _list(self.data.get("fields")) if isinstance(f, str)]

    @property
    def open_to(self) -> list[str]:
        return [s for s in _list(self.data.get("open_to")) if isinstance(s, str)]

    @property
    def follow_up(self) -> list[str]:
        return [s for s in _list(self.data.get("follow_up")) if isinstance(s, str)]

    def age_overlaps(self, low: int = TARGET_AGE[0], high: int = TARGET_AGE[1]) -> bool:
        age = self.data.get("age")
        if not isinstance(age, dict):
            return True
        lo, hi = age.get("min"), age.get("max")
        lo = lo if isinstance(lo, (int, float)) and not isinstance(lo, bool) else None
        hi = hi if isinstance(hi, (int, float)) and not isinstance(hi, bool) else None
        return (lo is None or lo <= high) and (hi is None or hi >= low)


@dataclass(slots=True)
class Todo:
    alliance: str
    worksheet: str
    index: int  # position in the worksheet's ``todos`` list
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return _str(self.data.get("id")) or ""

    @property
    def status(self) -> str | None:
        return _str(self.data.get("status"))

    @property
    def due(self) -> str | None:
        return _str(self.data.get("due"))


@dataclass(slots=True)
class Worksheet:
    alliance: str
    id: str
    file: str
    data: dict[str, Any]

    @property
    def ref(self) -> str:
        return f"{self.alliance}/{self.id}"

    @property
    def template(self) -> str | None:
        return _str(self.data.get("template"))

    @property
    def date(self) -> str:
        return _str(self.data.get("date")) or ""

    @property
    def todos(self) -> list[Todo]:
        return [Todo(self.alliance, self.id, i, t)
                for i, t in enumerate(_list(self.data.get("todos"))) if isinstance(t, dict)]


@dataclass(frozen=True, slots=True)
class TemplateItem:
    id: str
    section: str | None
    text: dict[str, str]
    answer: str


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    title: dict[str, str]
    answer: str
    sections: tuple[tuple[str, dict[str, str]], ...]
    items: tuple[TemplateItem, ...]
    file: str | None = None  # None for the templates shipped with gk

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @classmethod
    def from_data(cls, data: dict[str, Any], file: str | None = None) -> Template:
        default = _str(data.get("answer")) or "status"
        sections = tuple(
            (str(s["id"]), _texts(s.get("title")))
            for s in _list(data.get("sections")) if isinstance(s, dict) and isinstance(s.get("id"), str)
        )
        items = tuple(
            TemplateItem(str(i["id"]), _str(i.get("section")), _texts(i.get("text")),
                         _str(i.get("answer")) or default)
            for i in _list(data.get("items")) if isinstance(i, dict) and isinstance(i.get("id"), str)
        )
        return cls(str(data.get("id", "")), _texts(data.get("title")), default, sections, items, file)


@dataclass(frozen=True, slots=True)
class Repository:
    """Everything the files say, built once by ``gk.engine.pipeline.build_repository`` and
    never changed afterwards (frozen; the per-alliance index is derived on first use)."""

    root: str
    config: dict[str, Any]
    alliances: dict[str, Alliance] = field(default_factory=dict)
    services: dict[tuple[str, str], Service] = field(default_factory=dict)
    worksheets: dict[tuple[str, str], Worksheet] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)
    alliance_folders: set[str] = field(default_factory=set)
    # Files that exist but did not load (they have findings of their own): references to
    # them are not reported again as missing.
    unloaded: set[str] = field(default_factory=set)

    _by_alliance: dict[str, tuple[list[Service], list[Worksheet]]] | None = field(
        default=None, repr=False, compare=False)

    def _index(self) -> dict[str, tuple[list[Service], list[Worksheet]]]:
        """Services and worksheets per alliance, built once (the model is not changed after
        it is built)."""
        if self._by_alliance is None:
            index: dict[str, tuple[list[Service], list[Worksheet]]] = {}
            for (alliance, _sid), service in self.services.items():
                index.setdefault(alliance, ([], []))[0].append(service)
            for (alliance, _wid), sheet in self.worksheets.items():
                index.setdefault(alliance, ([], []))[1].append(sheet)
            for _services, sheets in index.values():
                sheets.sort(key=sheet_order)
            object.__setattr__(self, "_by_alliance", index)  # derived, not a change
            return index
        return self._by_alliance

    def services_of(self, alliance: str) -> list[Service]:
        return list(self._index().get(alliance, ([], []))[0])

    def worksheets_of(self, alliance: str, template: str | None = None) -> list[Worksheet]:
        """Worksheets of an alliance, oldest first (``gk.domain.sheet_order``)."""
        sheets = self._index().get(alliance, ([], []))[1]
        return [w for w in sheets if template is None or w.template == template]

    def current_worksheet(self, alliance: str, template: str) -> Worksheet | None:
        """The latest worksheet of a template (by date): the alliance's current one."""
        return latest_sheet(self.worksheets_of(alliance, template))

    def resolve_service(self, alliance: str, ref: str) -> Service | None:
        if "/" in ref:
            other, _, sid = ref.partition("/")
            return self.services.get((other, sid))
        return self.services.get((alliance, ref))

    def has_service(self, alliance: str, ref: str) -> bool:
        """Whether ``ref`` (``id`` in ``alliance``, or ``alliance/id``) names a service."""
        other, _, sid = ref.partition("/") if "/" in ref else (alliance, "", ref)
        return (other, sid) in self.services

    def service_ids(self, alliance: str) -> list[str]:
        """The ids of an alliance's services, in the order of their files."""
        return [s.id for s in self.services_of(alliance)]

    @property
    def min_count(self) -> int:
        privacy = self.config.get("privacy")
        value = privacy.get("min_count") if isinstance(privacy, dict) else None
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else 3
