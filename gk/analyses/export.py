"""Exports of the services for other tools: Open Referral HSDS JSON and CSV for spreadsheets.

Both are functions of the repository model only; docs/export.md documents the mapping,
including gk's taxonomies of service fields and residence statuses for HSDS attributes.
"""

from __future__ import annotations

import functools
import json
import os
import re
import uuid
from collections.abc import Iterable
from typing import Any

from gk.domain import enum_label, residence_statuses, service_fields, whole_number
from gk.engine.model import Repository, Service
from gk.i18n import _, get_language

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


def organization_id(alliance: str, provider: str) -> str:
    """An organisation is a provider in one alliance: services of the same provider (same
    name, ignoring case and spacing) in the same alliance share one id; two alliances'
    "Jobcenter" are two organisations."""
    return stable_id("organization", alliance, _provider_key(provider))


# gk's taxonomies (docs/export.md#taxonomies): the terms are the slugs of the schemas.
TAXONOMY_URI = "https://gk.invalid/hsds/taxonomies/"
TAXONOMY_VERSION = "1"
FIELD_TAXONOMY = "service-field"
STATUS_TAXONOMY = "residence-status"
# link_type of the attributes (an open code list in HSDS)
LINK_TYPES = {FIELD_TAXONOMY: "service_field", STATUS_TAXONOMY: "eligibility"}


def taxonomy(name: str) -> dict[str, Any]:
    """One of gk's two taxonomies as an HSDS ``taxonomy`` object."""
    titles = {
        FIELD_TAXONOMY: (_("Gemeinsam klappt's: fields of services"),
                         _("The fields of work (Handlungsfelder) in which the NRW initiative "
                           "Gemeinsam klappt's describes services for young adult refugees.")),
        STATUS_TAXONOMY: (_("Gemeinsam klappt's: residence statuses admitted"),
                          _("The residence statuses of the young adults a service is open to.")),
    }
    title, description = titles[name]
    return {"id": stable_id("taxonomy", name), "name": title, "description": description,
            "uri": TAXONOMY_URI + name, "version": TAXONOMY_VERSION}


def taxonomy_term(name: str, code: str) -> dict[str, Any]:
    """A term of gk's taxonomies as an HSDS ``taxonomy_term`` (with its taxonomy inside)."""
    whole = taxonomy(name)
    if name == FIELD_TAXONOMY:
        label = enum_label("field", code)
        description = _("Services in the field: {field}.").format(field=label)
    else:
        label = enum_label("residence-status", code)
        description = _("Open to young adults with the residence status: {status}.").format(
            status=label)
    return {"id": stable_id("taxonomy_term", name, code), "code": code, "name": label,
            "description": description, "taxonomy": whole["name"], "taxonomy_id": whole["id"],
            "taxonomy_detail": whole, "language": get_language(),
            "term_uri": f"{whole['uri']}#{code}"}


def taxonomy_terms() -> list[dict[str, Any]]:
    """Every term of gk's taxonomies, in the order of the schemas (for docs and tests)."""
    return ([taxonomy_term(FIELD_TAXONOMY, f) for f in service_fields()]
            + [taxonomy_term(STATUS_TAXONOMY, s) for s in residence_statuses()])


def _attributes(service: Service, sid: str) -> list[dict[str, Any]]:
    known = {FIELD_TAXONOMY: service_fields(), STATUS_TAXONOMY: residence_statuses()}
    wanted = {FIELD_TAXONOMY: service.fields, STATUS_TAXONOMY: service.open_to}
    out = []
    for name, values in wanted.items():
        for code in dict.fromkeys(values):
            if code not in known[name]:
                continue  # a value gk check rejects has no term
            term = taxonomy_term(name, code)
            out.append({"id": stable_id("attribute", service.ref, name, code), "link_id": sid,
                        "link_type": LINK_TYPES[name], "link_entity": "service",
                        "taxonomy_term_id": term["id"], "taxonomy_term": term})
    return out


@functools.cache
def _language_names() -> dict[str, dict[str, str]]:
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "languages.json")
    with open(path, encoding="utf-8") as handle:
        names: dict[str, dict[str, str]] = json.load(handle)["languages"]
    return names


def language_name(code: str) -> str | None:
    """The name of an ISO 639-1 code in the language of the run (gk/data/languages.json)."""
    names = _language_names().get(code)
    return names.get(get_language()) or names.get("de") if names else None


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?[0-9][0-9 /()-]{4,}[0-9]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def contact_parts(text: str) -> tuple[str | None, list[str]]:
    """The first e-mail address and the phone numbers written in a contact text."""
    email = _EMAIL.search(text)
    rest = _EMAIL.sub(" ", text)
    phones = [" ".join(m.group().split()) for m in _PHONE.finditer(rest)
              if sum(c.isdigit() for c in m.group()) >= 6 and not _DATE.fullmatch(m.group())]
    return (email.group() if email else None), phones


def _contact(service: Service, sid: str, out: dict[str, Any]) -> None:
    """``contact`` as an HSDS contact of the service; an e-mail address in it also as the
    service's ``email``, phone numbers as its ``phones``."""
    text = _str(service.data.get("contact"))
    if text is None:
        return
    email, numbers = contact_parts(text)
    cid = stable_id("contact", service.ref)
    phones = [{"id": stable_id("phone", service.ref, str(i)), "number": number}
              for i, number in enumerate(numbers)]
    contact: dict[str, Any] = {"id": cid, "service_id": sid, "name": " ".join(text.split())}
    if email:
        contact["email"] = email
        out["email"] = email
    if phones:
        contact["phones"] = [{**p, "contact_id": cid} for p in phones]
        out["phones"] = [{**p, "service_id": sid} for p in phones]
    out["contacts"] = [contact]


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


def _organization(service: Service, place: str) -> dict[str, Any] | None:
    provider = _str(service.data.get("provider"))
    if provider is None:
        return None
    return {"id": organization_id(service.alliance, provider),
            "name": " ".join(provider.split()),
            "description": _("Provider of services for young adult refugees in: {places}.")
            .format(places=place)}


def hsds_service(service: Service, repository: Repository,
                 names: dict[str, str] | None = None) -> dict[str, Any]:
    """A service as a fully nested HSDS ``service`` (its organisation inside). ``names``:
    the name each organisation id got first, so that one organisation is written alike."""
    data = service.data
    sid = stable_id("service", service.ref)
    alliance = repository.alliances.get(service.alliance)
    place = alliance.name if alliance is not None else service.alliance
    out: dict[str, Any] = {"id": sid}
    organization = _organization(service, place)
    if organization is not None:
        if names is not None:
            organization["name"] = names.setdefault(organization["id"], organization["name"])
        out["organization_id"] = organization["id"]
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
    _contact(service, sid, out)
    languages = _strings(data.get("languages"))
    if languages:
        out["languages"] = [{"id": stable_id("language", service.ref, code), "service_id": sid,
                             "code": code, **({"name": name} if (name := language_name(code))
                                              else {})}
                            for code in languages]
    if organization is not None:
        out["organization"] = organization
    if _str(data.get("funding")):
        out["funding"] = [{"id": stable_id("funding", service.ref), "service_id": sid,
                           "source": data["funding"]}]
    out["service_areas"] = [{"id": stable_id("service_area", service.ref), "service_id": sid,
                             "name": place}]
    attributes = _attributes(service, sid)
    if attributes:
        out["attributes"] = attributes
    # What HSDS has no term for (conformance rule 4): where the service comes from, gk's own
    # status (HSDS "inactive" covers both planned and paused), dates, places, the chain.
    extension: dict[str, Any] = {"alliance": service.alliance, "id": service.id,
                                 "status": service.status}
    for key in ("start", "end"):
        if _str(data.get(key)):
            extension[key] = data[key]
    if _int(data.get("capacity")) is not None:
        extension["capacity"] = data["capacity"]
    if service.follow_up:
        extension["follow_up"] = full_refs(service)
    out["gk"] = extension
    return out


def hsds(repository: Repository, alliances: Iterable[str] = ()) -> dict[str, Any]:
    """The services as one page of the HSDS 3.0 API's ``GET /services?full=true``: a
    ``Page`` object whose ``contents`` are fully nested services."""
    services = select(repository, alliances)
    names: dict[str, str] = {}
    contents = [hsds_service(s, repository, names) for s in services]
    return {"total_items": len(contents), "total_pages": 1, "page_number": 1,
            "size": len(contents), "first_page": True, "last_page": True,
            "empty": not contents, "contents": contents}
