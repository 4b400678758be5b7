"""``gk new``: write a new alliance, service or worksheet file from the schemas."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from gk.cli.common import apply_language, common_options, repository_root, resolve_today
from gk.cli.completion import complete_alliance, complete_template
from gk.domain import (
    PROTOCOL_TEMPLATE,
    SHIPPED_TEMPLATES,
    date_from_german,
    is_id,
    is_open,
    labels,
    latest_sheet,
    normalize,
    parse_date,
    path_of,
    slugify,
    suggest,
)
from gk.domain import enum as _enum
from gk.errors import GkError, did_you_mean, unknown_alliance
from gk.i18n import _, label


class DateType(click.ParamType):
    name = "date"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        day = parse_date(str(value).strip())
        if day is None:
            german = date_from_german(str(value))
            proposal = " " + _("Did you mean {date}?").format(date=german.isoformat()) \
                if german is not None else ""
            self.fail(_("'{value}' is not a date (YYYY-MM-DD).").format(value=value) + proposal,
                      param, ctx)
        return day.isoformat()


def _same(word: str) -> str:
    """A word as compared with the values and their labels: case, umlauts, spaces and
    hyphens do not matter ('Kreisfreie Stadt' is 'kreisfreie-stadt')."""
    return "-".join(normalize(word).replace("_", " ").replace("-", " ").split())


class EnumChoice(click.ParamType):
    """One value of an enumeration of the schemas: the value itself or its German or English
    label, in any case ('Sprache', 'kreisfreie Stadt', 'Duldung'); otherwise a German error
    with the value probably meant and the allowed values with their labels."""

    name = "choice"

    def __init__(self, definition: str) -> None:
        self.definition = definition
        self.values = _enum(definition)

    def _words(self) -> dict[str, list[str]]:
        known = {value: [value] for value in self.values}
        for value, texts in labels(self.definition).items():
            known.setdefault(value, []).extend(str(t) for t in texts.values())
        return known

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(self.values) + "]"

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(v) for v in self.values if v.startswith(incomplete)]

    def allowed(self) -> str:
        shown = []
        for value in self.values:
            text = label(labels(self.definition).get(value))
            shown.append(f"{value} ({text})" if text and _same(text) != value else value)
        return ", ".join(shown)

    def find(self, word: str) -> str | None:
        wanted = _same(word)
        for value, words in self._words().items():
            if any(_same(w) == wanted for w in words):
                return value
        return None

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        found = self.find(str(value))
        if found is not None:
            return found
        self.fail(self.refusal(str(value)), param, ctx)

    def refusal(self, word: str) -> str:
        guess = suggest(word, self.values, titles=self._words())
        if guess is None and len(_same(word)) >= 3:  # the start of a value or label
            starts = {value for value, words in self._words().items()
                      if any(_same(w).startswith(_same(word)) for w in words)}
            guess = starts.pop() if len(starts) == 1 else None
        proposal = (" " + _("Did you mean '{guess}'?").format(guess=guess)) if guess else ""
        return (_("'{value}' is not one of the allowed values.").format(value=word) + proposal
                + " " + _("Allowed: {values}.").format(values=self.allowed()))


class ChoiceList(EnumChoice):
    """Several values of an enumeration, typed separated by commas (for prompts): each as
    ``EnumChoice`` takes it ('Duldung, Gestattung'); without commas, separated by spaces."""

    name = "list"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, list):
            return value
        text = str(value)
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if len(parts) == 1 and self.find(parts[0]) is None:
            parts = parts[0].split()
        if not parts:
            self.fail(_("Choose one or more of: {choices}.").format(choices=self.allowed()),
                      param, ctx)
        out = []
        for part in parts:
            found = self.find(part)
            if found is None:
                self.fail(self.refusal(part), param, ctx)
            out.append(found)
        return list(dict.fromkeys(out))


DATE = DateType()


def interactive() -> bool:
    return sys.stdin.isatty()


def _show_choices(definition: str) -> None:
    for value, texts in labels(definition).items():
        click.echo(f"  {value:<26} {label(texts)}", err=True)


def _ask(prompt: str, kind: Any = str, definition: str | None = None,
         default: Any = None) -> Any:
    if definition is not None:
        _show_choices(definition)
    return click.prompt(prompt, type=kind, default=default, err=True)


def _complete(values: dict[str, Any], wanted: list[tuple[str, str, str, Any]]) -> dict[str, Any]:
    """Fill in missing required values: prompt in a terminal, else stop with the options to give.

    ``wanted``: (key, option name, prompt text, click type or enum definition name)."""
    missing = [(key, option, prompt, kind) for key, option, prompt, kind in wanted
               if values.get(key) in (None, (), [])]
    if not missing:
        return values
    if not interactive():
        raise click.UsageError(_("Missing: {options}. Give them as options (outside a terminal "
                                 "gk does not ask).").format(
                                     options=", ".join(option for _k, option, _p, _t in missing)))
    for key, _option, prompt, kind in missing:
        if isinstance(kind, str) and kind.startswith("list:"):
            definition = kind[5:]
            values[key] = _ask(prompt, ChoiceList(definition), definition)
        elif isinstance(kind, str):
            values[key] = _ask(prompt, EnumChoice(kind), kind)
        else:
            text = _ask(prompt, kind)
            values[key] = " ".join(str(text).split()) if kind is str else text
    return values


def _flat(chosen: tuple[list[str], ...]) -> list[str]:
    """The values of a repeated option that also takes several at once ('Sprache, Wohnen')."""
    return list(dict.fromkeys(value for values in chosen for value in values))


class YesNo(click.ParamType):
    """A yes or a no, in German or English ('j', 'ja', 'n', 'nein', 'y', 'yes', 'no')."""

    name = "yes/no"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().casefold()
        if word in ("j", "ja", "y", "yes"):
            return True
        if word in ("n", "nein", "no"):
            return False
        self.fail(_("Answer with j (yes) or n (no)."), param, ctx)


def _confirm(question: str, default: bool = True) -> bool:
    """Ask a yes/no question on standard error; Enter takes the default."""
    choices = _("[Y/n]") if default else _("[y/N]")
    answer: bool = click.prompt(f"{question} {choices}", type=YesNo(), default=default,
                                show_default=False, err=True)
    return answer


def _check_id(value: str, what: str) -> None:
    if not is_id(value):
        # A stray line break (from a copied line or $'…' in a script) is invisible in the value.
        edge = " " + _("It begins or ends with a space or a line break.") \
            if value != value.strip() else ""
        raise GkError(_("'{value}' is not a valid id for {what}: use lower-case letters a–z, "
                        "digits and single hyphens (no umlauts, no spaces), for example "
                        "'{example}'.").format(value=value, what=what,
                                               example=slugify(value, 64) or "beispiel") + edge)


def _existing_alliance(alliance: str, known: Sequence[str]) -> None:
    if alliance not in known:
        raise GkError(unknown_alliance(alliance, known).message + " "
                      + _("Create it first with: gk new alliance {id}").format(id=alliance))


def _write_new(root: Path, rel: str, text: str, kind: str,
               custom: dict[str, dict[str, Any]], template_schema: dict[str, Any] | None) -> None:
    from gk.edit.skeletons import create

    try:
        new_folder = create(root, rel, text, kind, custom, template_schema)
    except FileExistsError as exc:  # made by someone else since gk looked
        raise GkError(_("'{path}' already exists; gk new never overwrites a file.").format(
            path=rel)) from exc
    except OSError as exc:  # a full disk, a read-only folder: one line, not an internal error
        raise GkError(_("Cannot write '{path}': {error}. The new file was not created; free "
                        "some space on the disk or check that you may write to the folder.")
                      .format(path=rel, error=exc.strerror or exc)) from exc
    click.echo(_("Created {path}.").format(path=rel))
    click.echo(_("Fill it in (the comments explain each key), then run: gk check"))
    if new_folder:
        click.echo(_("Also created the folder .gk/: schemas that let editors check the files "
                     "while you type (see .gk/README.md). Commit it with your files: git add "
                     ".gk"))


def _target(root: Path, rel: str) -> None:
    if (root / rel).exists():
        raise GkError(_("'{path}' already exists; gk new never overwrites a file.").format(
            path=rel))


@click.group(help=_("""Write a new alliance, service or worksheet file: every key is there,
required ones filled in, optional ones as commented lines with German explanations and the
allowed values. The first line names the JSON Schema so that editors check while you type.
In a terminal gk asks for the required values; otherwise give them as options.
An existing file is never overwritten.""")
             + "\n\n\b\n" + _("Examples:") + """
  gk new alliance musterstadt
  gk new service musterstadt sprachcafe --title Sprachcafé --provider JMD \\
      --field language --open-to duldung --open-to gestattung
  gk new worksheet musterstadt prozessmanagement
""")
@common_options
def new() -> None:
    pass


@new.command("alliance", help=_("""Write alliances/ID.yaml for a new local alliance.""")
             + "\n\n\b\n" + _("Example:") + """
  gk new alliance musterstadt --name "Stadt Musterstadt" --type kreisfreie-stadt \\
      --joined 2019-01-15 --lead-office "Kommunales Integrationszentrum"
""")
@click.argument("alliance_id", metavar="ID")
@click.option("--name", help=_("Name of the municipality, e.g. 'Stadt Meerbusch'."))
@click.option("--type", "kind", type=EnumChoice("alliance-type"),
              help=_("Type of municipality."))
@click.option("--joined", type=DATE, metavar="DATE", help=_("Date of joining (YYYY-MM-DD)."))
@click.option("--lead-office", metavar="TEXT", help=_("Organisation of the lead office (GfS)."))
@click.option("--contact", metavar="TEXT",
              help=_("Organisational contact of the lead office (no personal address)."))
@click.option("--region", type=EnumChoice("region"), help=_("Administrative region."))
@click.option("--district", metavar="ID",
              help=_("For a municipality within a district: the district's alliance id."))
@common_options
@click.pass_context
def new_alliance(ctx: click.Context, alliance_id: str, name: str | None, kind: str | None,
                 joined: str | None, lead_office: str | None, contact: str | None,
                 region: str | None, district: str | None) -> None:
    from gk.edit import skeletons

    root = repository_root(ctx)
    apply_language(ctx, root)
    _check_id(alliance_id, _("an alliance"))
    rel = path_of("alliance", None, alliance_id)
    _target(root, rel)
    if district is not None:
        _check_id(district, _("an alliance"))
    values = _complete({"name": name, "type": kind, "joined": joined, "organisation": lead_office},
                       [("name", "--name", _("Name of the municipality"), str),
                        ("type", "--type", _("Type of municipality"), "alliance-type"),
                        ("joined", "--joined", _("Joined on (YYYY-MM-DD)"), DATE),
                        ("organisation", "--lead-office", _("Lead office (organisation)"), str)])
    office: dict[str, Any] = {"organisation": values.pop("organisation")}
    if contact:
        office["contact"] = contact
    data: dict[str, Any] = {"name": values["name"], "type": values["type"]}
    if district:
        data["district"] = district
    if region:
        data["region"] = region
    data["joined"] = values["joined"]
    data["lead_office"] = office
    today = resolve_today(None).isoformat()
    custom = skeletons.surroundings(root).templates
    _write_new(root, rel, skeletons.alliance(alliance_id, data, today), "alliance", custom, None)


@new.command("service", help=_("""Write services/ALLIANCE/ID.yaml for a new service.""")
             + "\n\n\b\n" + _("Example:") + """
  gk new service musterstadt sprachcafe --title "Sprachcafé" --provider JMD \\
      --field language --open-to duldung --open-to gestattung --status active
""")
@click.argument("alliance", shell_complete=complete_alliance)
@click.argument("service_id", metavar="ID")
@click.option("--title", help=_("Name of the service."))
@click.option("--provider", help=_("Organisation that runs it."))
@click.option("--field", "fields", multiple=True, type=ChoiceList("field"),
              help=_("Field of the service (repeat for several)."))
@click.option("--open-to", "open_to", multiple=True, type=ChoiceList("residence-status"),
              help=_("Residence status admitted (repeat for several)."))
@click.option("--status", type=EnumChoice("service-status"), default=None,
              help=_("planned, active or ended (default: active)."))
@common_options
@click.pass_context
def new_service(ctx: click.Context, alliance: str, service_id: str, title: str | None,
                provider: str | None, fields: tuple[list[str], ...],
                open_to: tuple[list[str], ...],
                status: str | None) -> None:
    from gk.edit import skeletons

    root = repository_root(ctx)
    apply_language(ctx, root)
    _check_id(alliance, _("an alliance"))
    _check_id(service_id, _("a service"))
    around = skeletons.surroundings(root)
    _existing_alliance(alliance, around.alliances)
    rel = path_of("service", alliance, service_id)
    _target(root, rel)
    values = _complete({"title": title, "provider": provider, "fields": _flat(fields),
                        "open_to": _flat(open_to)},
                       [("title", "--title", _("Title of the service"), str),
                        ("provider", "--provider", _("Provider (organisation)"), str),
                        ("fields", "--field", _("Fields (separated by commas)"), "list:field"),
                        ("open_to", "--open-to", _("Open to (separated by commas)"),
                         "list:residence-status")])
    if status is None:
        status = "active"
        if interactive():
            status = _ask(_("Status"), EnumChoice("service-status"), "service-status",
                          default="active")
    data = {"title": values["title"], "provider": values["provider"],
            "fields": list(values["fields"]), "open_to": list(values["open_to"]),
            "status": status}
    today = resolve_today(None).isoformat()
    _write_new(root, rel, skeletons.service(alliance, service_id, data, today), "service",
               around.templates, None)


@new.command("worksheet", help=_("""Write worksheets/ALLIANCE/ID.yaml for a new worksheet of
TEMPLATE (a shipped one or one of the repository's templates/). The id defaults to
TEMPLATE-DATE. A 'prozessmanagement' sheet lists every item as open, with its text above it.""")
             + "\n\n\b\n" + _("Examples:") + """
  gk new worksheet musterstadt prozessmanagement
  gk new worksheet musterstadt begleitprotokoll --date 2026-11-20 --author Prozessbegleitung
""")
@click.argument("alliance", shell_complete=complete_alliance)
@click.argument("template_id", metavar="TEMPLATE", shell_complete=complete_template)
@click.option("--id", "sheet_id", metavar="ID",
              help=_("Id of the worksheet (default: TEMPLATE-DATE)."))
@click.option("--date", type=DATE, metavar="DATE",
              help=_("Date of the worksheet (default: today)."))
@click.option("--author", metavar="ROLE", help=_("Who fills it in: a role, not a name."))
@click.option("--consultant", metavar="TEXT",
              help=_("For a begleitprotokoll: the consulting organisation (default: the "
                     "alliance's consultant)."))
@click.option("--days", type=click.FloatRange(min=0), help=_("For a begleitprotokoll: consulting "
                                                             "days used."))
@click.option("--from-previous/--blank", "from_previous", default=None,
              help=_("For a checklist: take over the status and note of every item from the "
                     "alliance's previous sheet of this template, or start every item at "
                     "'open' (default in a terminal: gk asks; otherwise --blank)."))
@common_options
@click.pass_context
def new_worksheet(ctx: click.Context, alliance: str, template_id: str, sheet_id: str | None,
                  date: str | None, author: str | None, consultant: str | None,
                  days: float | None, from_previous: bool | None) -> None:
    from gk.edit import skeletons
    from gk.engine.model import Template
    from gk.engine.schemas import schema, worksheet_schema_for_template
    from gk.engine.shipped_templates import shipped

    root = repository_root(ctx)
    apply_language(ctx, root)
    _check_id(alliance, _("an alliance"))
    around = skeletons.surroundings(root)
    _existing_alliance(alliance, around.alliances)
    custom = around.templates
    known = sorted({*SHIPPED_TEMPLATES, *custom})
    if template_id in around.broken_templates and template_id not in SHIPPED_TEMPLATES:
        raise GkError(_("The template 'templates/{id}.yaml' has errors; run 'gk check' and fix "
                        "them first.").format(id=template_id))
    if template_id not in known:
        raise GkError(_("The template '{id}' is unknown.").format(id=template_id)
                      + did_you_mean(template_id, known)
                      + " " + _("Known templates: {ids}.").format(ids=", ".join(known)))
    day = date or resolve_today(None).isoformat()
    sheet_id = sheet_id or f"{template_id}-{day}"
    _check_id(sheet_id, _("a worksheet"))
    rel = path_of("worksheet", alliance, sheet_id)
    if (root / rel).exists():
        raise GkError(_("'{path}' already exists; gk new never overwrites a file. Choose "
                        "another id with --id.").format(path=rel))
    if template_id in custom:
        template = Template.from_data(custom[template_id], path_of("template", None, template_id))
        kind_schema = worksheet_schema_for_template(custom[template_id])
        sheet_schema: dict[str, Any] | None = kind_schema
    else:
        template = shipped()[template_id]
        sheet_schema = None
        kind_schema = schema(f"worksheet-{template_id}")
    values: dict[str, Any] = {"template": template_id, "date": day}
    if author:
        values["author"] = " ".join(author.split())
    if template_id == PROTOCOL_TEMPLATE:
        consultant = consultant or skeletons.alliance_consultant(root, alliance)
        if consultant:
            values["consultant"] = consultant
        if days is not None:
            values["days"] = int(days) if float(days).is_integer() else days
    earlier = _previous_sheet(root, alliance, template_id) \
        if any(item.answer == "status" for item in template.items) else None
    if earlier is not None and from_previous is None and interactive():
        from_previous = _confirm(
            _("Take over the status and note of every item from {sheet} ({date})?").format(
                sheet=earlier.id, date=earlier.date or "?"))
    if from_previous and earlier is None:
        raise GkError(_("There is no earlier '{template}' sheet of '{alliance}' to take over "
                        "from; leave out --from-previous.").format(template=template_id,
                                                                  alliance=alliance))
    previous = None
    if from_previous and earlier is not None:
        items = earlier.data.get("items")
        previous = (earlier.id, items if isinstance(items, dict) else {})
    text = skeletons.worksheet(alliance, sheet_id, template, dict(kind_schema), values,
                               resolve_today(None).isoformat(), previous)
    _write_new(root, rel, text, f"worksheet-{template_id}", custom, sheet_schema)
    if previous is not None and earlier is not None:
        click.echo(_("The status and note of {n} item(s) were taken over from {sheet}.").format(
            n=sum(1 for v in previous[1].values() if isinstance(v, dict)), sheet=earlier.id))
        still_open = sum(1 for todo in earlier.todos if is_open(todo.data))
        if still_open:
            click.echo(_("Its {n} open to-do(s) stay in {sheet}, where 'gk todo {alliance}' "
                         "lists them and 'gk todo done' marks them done.").format(
                             n=still_open, sheet=earlier.id, alliance=alliance))


def _previous_sheet(root: Path, alliance: str, template_id: str) -> Any:
    """The alliance's latest worksheet of a template (a ``Worksheet``), or None."""
    from gk.engine.discover import discover
    from gk.engine.load import load_file
    from gk.engine.model import Worksheet

    sheets = []
    sources, _layout = discover(root)
    for source in sources:
        if source.kind != "worksheet" or source.alliance != alliance:
            continue
        data = load_file(root, source.rel).data
        if isinstance(data, dict) and data.get("template") == template_id:
            sheets.append(Worksheet(alliance, source.stem, source.rel, data))
    return latest_sheet(sheets)

