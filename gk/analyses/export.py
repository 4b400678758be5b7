"""Exports of the services for other tools: Open Referral HSDS JSON and CSV for spreadsheets.

Both are functions of the repository model only; docs/export.md documents the mapping.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from gk.domain import enum_label, whole_number
from gk.engine.model import Repository, Service
from gk.i18n import _

HSDS_VERSION = "3.0"
# Ids in the HSDS export are name-based UUIDs (version 5) in gk's own namespace, so that the
# same service gets the same id in every export and other tools can update their copy.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://gk.invalid/hsds")
HSDS_STATUS = {"active": "active", "planned": "inactive", "ended": "defunct"}

CSV_COLUMNS = (
    "alliance", "id", "title", "provider", "fields", "open_to", "age_min", "age_max", "status",
    "start", "end", "capacity", "languages", "funding", "follow_up", "verified",
)
LIST_SEPARATOR = "; "


def select(repository: Repository, alliances: Iterable[str] = ()) -> list[Service]:
    """The services to export, sorted by alliance and id; all of them unless alliances are named."""
    wanted = set(alliances)
    return [s for key, s in sorted(repository.services.items())
            if not wanted or key[0] in wanted]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return whole_number(value)  # absurdly large numbers are left out (gk check: GK109)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _age(service: Service, bound: str) -> int | None:
    age = service.data.get("age")
    return _int(age.get(bound)) if isinstance(age, dict) else None


def full_refs(service: Service) -> list[str]:
    """``follow_up`` as ``alliance/service`` references, unambiguous outside the alliance."""
    return [ref if "/" in ref else f"{service.alliance}/{ref}" for ref in service.follow_up]


# --- CSV -----------------------------------------------------------------------------------

def csv_row(service: Service) -> list[Any]:
    """The raw values of a service's row (gk.render.export_formats makes them safe cells)."""
    data = service.data
    return [
        service.alliance, service.id, _str(data.get("title")), _str(data.get("provider")),
        LIST_SEPARATOR.join(service.fields), LIST_SEPARATOR.join(service.open_to),
        _age(service, "min"), _age(service, "max"), service.status,
        _str(data.get("start")), _str(data.get("end")), _int(data.get("capacity")),
        LIST_SEPARATOR.join(_strings(data.get("languages"))), _str(data.get("funding")),
        LIST_SEPARATOR.join(full_refs(service)), _str(data.get("verified")),
    ]


def csv_rows(repository: Repository, alliances: Iterable[str] = ()) -> list[list[Any]]:
    """One row of raw values per service, under ``CSV_COLUMNS`` (stable for scripts)."""
    return [csv_row(s) for s in select(repository, alliances)]


# --- HSDS ----------------------------------------------------------------------------------

def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(parts)))


def _provider_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def organization_id(provider: str) -> str:
    """Services of the same provider (same name, ignoring case and spacing) share one id."""
    return stable_id("organization", _provider_key(provider))


def eligibility(service: Service) -> str:
    """Who may take part, in words: residence statuses and age range."""
    parts = []
    if service.open_to:
        names = [enum_label("residence-status", s) for s in service.open_to]
        parts.append(_("Open to: {statuses}.").format(statuses=", ".join(names)))
    low, high = _age(service, "min"), _age(service, "max")
    if low is not None and high is not None:
        parts.append(_("Age: {min} to {max} years.").format(min=low, max=high))
    elif low is not None:
        parts.append(_("Age: from {min} years.").format(min=low))
    elif high is not None:
        parts.append(_("Age: up to {max} years.").format(max=high))
    return " ".join(parts)


def hsds_service(service: Service, repository: Repository) -> dict[str, Any]:
    data = service.data
    sid = stable_id("service", service.ref)
    out: dict[str, Any] = {"id": sid}
    provider = _str(data.get("provider"))
    if provider:
        out["organization_id"] = organization_id(provider)
    out["name"] = service.title
    if _str(data.get("description")):
        out["description"] = data["description"]
    out["status"] = HSDS_STATUS.get(service.status or "", "inactive")
    eligible = eligibility(service)
    if eligible:
        out["eligibility_description"] = eligible
    low, high = _age(service, "min"), _age(service, "max")
    if low is not None:
        out["minimum_age"] = low
    if high is not None:
        out["maximum_age"] = high
    if _str(data.get("verified")):
        out["assured_date"] = data["verified"]
    languages = _strings(data.get("languages"))
    if languages:
        out["languages"] = [{"id": stable_id("language", service.ref, code), "service_id": sid,
                             "code": code} for code in languages]
    if _str(data.get("funding")):
        out["funding"] = [{"id": stable_id("funding", service.ref), "service_id": sid,
                           "source": data["funding"]}]
    alliance = repository.alliances.get(service.alliance)
    out["service_areas"] = [{
        "id": stable_id("service_area", service.ref), "service_id": sid,
        "name": alliance.name if alliance is not None else service.alliance,
    }]
    extension: dict[str, Any] = {
        "alliance": service.alliance, "id": service.id, "fields": service.fields,
        "open_to": service.open_to, "status": service.status,
    }
    for key in ("start", "end", "contact"):
        if _str(data.get(key)):
            extension[key] = data[key]
    if _int(data.get("capacity")) is not None:
        extension["capacity"] = data["capacity"]
    if service.follow_up:
        extension["follow_up"] = full_refs(service)
    out["gk"] = extension
    return out


def hsds(repository: Repository, alliances: Iterable[str] = ()) -> dict[str, Any]:
    """The services with their organisations as HSDS 3.0 JSON, plus gk's own keys under "gk"."""
    services = select(repository, alliances)
    providers: dict[str, tuple[str, list[str]]] = {}
    for service in services:
        provider = _str(service.data.get("provider"))
        if provider is None:
            continue
        oid = organization_id(provider)
        _first_name, places = providers.setdefault(oid, (" ".join(provider.split()), []))
        alliance = repository.alliances.get(service.alliance)
        place = alliance.name if alliance is not None else service.alliance
        if place not in places:
            places.append(place)
    organizations = [
        {"id": oid, "name": name,
         "description": _("Provider of services for young adult refugees in: {places}.").format(
             places=", ".join(places))}
        for oid, (name, places) in sorted(providers.items(),
                                          key=lambda kv: (_provider_key(kv[1][0]), kv[0]))
    ]
    from gk import __version__

    return {
        "hsds_version": HSDS_VERSION,
        "generator": f"gk {__version__}",
        "name": repository.config.get("name") if isinstance(repository.config, dict) else None,
        "organizations": organizations,
        "services": [hsds_service(s, repository) for s in services],
    }
