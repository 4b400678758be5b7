"""gk schema: listing, printing and writing the schemas, the VS Code set-up, shell completion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import click
import pytest
from click.shell_completion import CompletionItem
from conftest import EXAMPLE, VALID_ALLIANCE, VALID_SERVICE, run_gk, run_main

from gk.cli import cli, completion
from gk.engine.schemas import KINDS

CHECK_JSONSCHEMA = shutil.which("check-jsonschema") or (
    "/work/venv/bin/check-jsonschema" if Path("/work/venv/bin/check-jsonschema").exists() else None)

CUSTOM_TEMPLATE = """\
id: sprechstunde
version: 1
title: {de: Sprechstunde, en: Consultation hour}
answer: text
sections:
  - {id: ablauf, title: {de: Ablauf}}
items:
  - {id: themen, section: ablauf, text: {de: "Welche Themen kamen vor?"}}
"""


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


# --- listing and printing ------------------------------------------------------------------

def test_without_kind_lists_every_kind_with_its_title() -> None:
    result = run_gk("-C", str(EXAMPLE), "schema")
    assert result.exit_code == 0
    rows = [line.split(None, 1) for line in result.output.splitlines()]
    assert [r[0] for r in rows] == list(KINDS)
    assert dict(rows)["service"] == "Angebot"
    english = run_gk("-C", str(EXAMPLE), "schema", "--lang", "en")
    assert dict(line.split(None, 1) for line in english.output.splitlines())["service"] == "Service"


@pytest.mark.parametrize("kind", KINDS)
def test_printed_schema_is_self_contained_with_id(kind: str) -> None:
    result = run_gk("schema", kind)
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert list(document)[:2] == ["$schema", "$id"]
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"https://gk.invalid/schemas/{kind}.json"
    for ref in _refs(document):
        assert ref.startswith("#/$defs/"), ref
        assert ref.removeprefix("#/$defs/") in document["$defs"], ref


def test_language_of_titles_follows_lang() -> None:
    german = json.loads(run_gk("schema", "service").output)
    english = json.loads(run_gk("schema", "service", "--lang", "en").output)
    assert german["title"] == "Angebot"
    assert german["properties"]["provider"]["title"] == "Träger"
    assert english["title"] == "Service"
    assert english["properties"]["provider"]["title"] == "Provider"
    assert english["$defs"]["date"]["title"] == "Date"


def test_printed_schema_validates_with_jsonschema() -> None:
    from jsonschema import Draft202012Validator, FormatChecker

    document = json.loads(run_gk("schema", "service").output)
    validator = Draft202012Validator(document, format_checker=FormatChecker())
    good = {"title": "Sprachcafé", "provider": "JMD", "fields": ["language"],
            "open_to": ["duldung"], "status": "active", "start": "2020-01-01"}
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "fields": ["sprache"], "start": "2020-13-01"}
    assert sorted(e.json_path for e in validator.iter_errors(bad)) == ["$.fields[0]", "$.start"]


def test_unknown_kind_is_a_usage_error_with_a_suggestion() -> None:
    result = run_gk("schema", "servce")
    assert result.exit_code == 2
    assert "Es gibt kein Schema der Art „servce“. Meinten Sie „service“?" in result.output
    assert "Bekannte Arten: gk, alliance, service, worksheet," in result.output


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "service.json"
    result = run_gk("schema", "service", "-o", str(target))
    assert result.exit_code == 0
    assert result.output == ""
    assert target.read_text(encoding="utf-8") == run_gk("schema", "service").output


def test_custom_template_kind(make_repo: Any) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE,
                      "templates/sprechstunde.yaml": CUSTOM_TEMPLATE})
    listed = run_gk("-C", str(root), "schema")
    assert listed.output.splitlines()[-1].split(None, 1) == ["worksheet-sprechstunde",
                                                             "Sprechstunde"]
    document = json.loads(run_gk("-C", str(root), "schema", "worksheet-sprechstunde").output)
    assert document["$id"] == "https://gk.invalid/schemas/worksheet-sprechstunde.json"
    assert list(document["properties"]["items"]["properties"]) == ["themen"]
    outside = run_gk("schema", "worksheet-sprechstunde")
    assert outside.exit_code == 2


# --- --out ---------------------------------------------------------------------------------

def test_out_writes_every_kind_as_printed(tmp_path: Path) -> None:
    target = tmp_path / "schemas"
    result = run_gk("schema", "--out", str(target), "--lang", "en")
    assert result.exit_code == 0
    assert result.output == f"Wrote {len(KINDS)} schema file(s) to {target}.\n"
    assert sorted(p.name for p in target.iterdir()) == sorted(f"{k}.json" for k in KINDS)
    for kind in KINDS:
        printed = run_gk("schema", kind, "--lang", "en").output
        assert (target / f"{kind}.json").read_text(encoding="utf-8") == printed


def test_out_with_kind_writes_only_that_one(tmp_path: Path) -> None:
    result = run_gk("schema", "alliance", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert result.output == f"1 Schemadatei(en) nach {tmp_path} geschrieben.\n"
    assert [p.name for p in tmp_path.iterdir()] == ["alliance.json"]


# --- check-jsonschema, an independent validator ---------------------------------------------

needs_check_jsonschema = pytest.mark.skipif(CHECK_JSONSCHEMA is None,
                                            reason="check-jsonschema is not installed")


def _check_jsonschema(schema_file: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    assert CHECK_JSONSCHEMA is not None
    return subprocess.run([CHECK_JSONSCHEMA, "--schemafile", str(schema_file),
                           *map(str, files)], capture_output=True, text=True, timeout=120)


@needs_check_jsonschema
@pytest.mark.parametrize(("kind", "pattern"), [
    ("gk", "gk.yaml"),
    ("alliance", "alliances/*.yaml"),
    ("service", "services/*/*.yaml"),
    ("worksheet", "worksheets/*/*.yaml"),
    ("worksheet-prozessmanagement", "worksheets/*/prozessmanagement-*.yaml"),
    ("worksheet-bedarfs-angebotsanalyse", "worksheets/*/bedarfs-angebotsanalyse-*.yaml"),
    ("worksheet-begleitprotokoll", "worksheets/*/begleitprotokoll-*.yaml"),
])
def test_check_jsonschema_accepts_the_example_repository(tmp_path: Path, kind: str,
                                                         pattern: str) -> None:
    schema_file = tmp_path / f"{kind}.json"
    schema_file.write_text(run_gk("schema", kind).output, encoding="utf-8")
    files = sorted(EXAMPLE.glob(pattern))
    assert files
    done = _check_jsonschema(schema_file, files)
    assert done.returncode == 0, done.stdout + done.stderr


@needs_check_jsonschema
def test_check_jsonschema_rejects_a_broken_service(tmp_path: Path) -> None:
    schema_file = tmp_path / "service.json"
    schema_file.write_text(run_gk("schema", "service").output, encoding="utf-8")
    broken = tmp_path / "sprachcafe.yaml"
    broken.write_text(VALID_SERVICE.replace("status: active", "status: läuft")
                      + "age: {min: 30, max: 18}\nemail: x\n", encoding="utf-8")
    done = _check_jsonschema(schema_file, [broken])
    assert done.returncode == 1
    assert "sprachcafe.yaml::$.status: 'läuft' is not one of ['planned', 'active', 'ended']" \
        in done.stdout
    assert "Additional properties are not allowed ('email' was unexpected)" in done.stdout


# --- --vscode -------------------------------------------------------------------------------

EXPECTED_MAPPING = {
    "./.gk/schemas/gk.json": ["/gk.yaml"],
    "./.gk/schemas/alliance.json": ["/alliances/*.yaml"],
    "./.gk/schemas/service.json": ["/services/*/*.yaml"],
    "./.gk/schemas/worksheet.json": ["/worksheets/*/*.yaml"],
    "./.gk/schemas/template.json": ["/templates/*.yaml"],
}


def test_vscode_in_a_fresh_repository(make_repo: Any) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE})
    result = run_gk("-C", str(root), "schema", "--vscode")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{len(KINDS)} Schemadatei(en) nach .gk/schemas geschrieben.",
        ".vscode/settings.json aktualisiert.",
        ".vscode/extensions.json aktualisiert.",
        "Öffnen Sie den Ordner in VS Code mit der Erweiterung „YAML“ (Red Hat): Sie prüft und "
        "ergänzt gk-Dateien jetzt schon beim Schreiben.",
    ]
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert settings == {"yaml.schemas": EXPECTED_MAPPING}
    extensions = json.loads((root / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert extensions == {"recommendations": ["redhat.vscode-yaml"]}
    for schema_path in EXPECTED_MAPPING:
        written = json.loads((root / schema_path).read_text(encoding="utf-8"))
        assert written["$id"].startswith("https://gk.invalid/schemas/")
    # gk check ignores the hidden folders it wrote
    check = run_gk("-C", str(root), "check", "--format", "json")
    assert json.loads(check.output)["findings"] == []


def test_vscode_merges_with_existing_settings(make_repo: Any) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE})
    (root / ".vscode").mkdir()
    (root / ".vscode/settings.json").write_text(json.dumps({
        "editor.tabSize": 2,
        "yaml.schemas": {"https://example.org/other.json": "other/*.yaml",
                         "./.gk/schemas/service.json": ["/old/*.yaml"]},
        "files.exclude": {"**/.git": True},
    }), encoding="utf-8")
    (root / ".vscode/extensions.json").write_text(
        '{"recommendations": ["ms-python.python"]}', encoding="utf-8")
    result = run_gk("-C", str(root), "schema", "--vscode", "--lang", "en")
    assert result.exit_code == 0, result.output
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))
    assert list(settings) == ["editor.tabSize", "yaml.schemas", "files.exclude"]
    assert settings["editor.tabSize"] == 2
    assert settings["files.exclude"] == {"**/.git": True}
    assert settings["yaml.schemas"] == {"https://example.org/other.json": "other/*.yaml",
                                        **EXPECTED_MAPPING}
    extensions = json.loads((root / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert extensions == {"recommendations": ["ms-python.python", "redhat.vscode-yaml"]}
    # English titles with --lang en
    service = json.loads((root / ".gk/schemas/service.json").read_text(encoding="utf-8"))
    assert service["title"] == "Service"

    again = run_gk("-C", str(root), "schema", "--vscode", "--lang", "en")
    assert again.exit_code == 0
    assert "The VS Code settings were already up to date." in again.output


@pytest.mark.parametrize(("content", "message"), [
    ('{"editor.tabSize": 2\n',
     "„.vscode/settings.json“ lässt sich nicht ändern, ohne etwas zu verlieren (ein „,“ oder "
     "eine schließende Klammer fehlt in Zeile 2, Spalte 1); gk ändert nichts."),
    ('["not", "settings"]', "„.vscode/settings.json“ lässt sich nicht ändern, ohne etwas zu "
     "verlieren (die Datei enthält kein JSON-Objekt ({ … })); gk ändert nichts."),
    ('{"yaml.schemas": ["x"]}', "(„yaml.schemas“ ordnet nicht Schemadateien Dateimustern zu); "
     "gk ändert nichts."),
    ('{"yaml.schemas": {}, "yaml.schemas": {}}', "(„yaml.schemas“ steht mehr als einmal "
     "darin); gk ändert nichts."),
], ids=["broken", "not-an-object", "schemas-not-a-mapping", "schemas-twice"])
def test_vscode_refuses_what_it_cannot_merge_and_writes_nothing(
        make_repo: Any, content: str, message: str) -> None:
    root = make_repo({"alliances/musterstadt.yaml": VALID_ALLIANCE})
    (root / ".vscode").mkdir()
    settings = root / ".vscode/settings.json"
    settings.write_text(content, encoding="utf-8")
    code, output = run_main("-C", str(root), "schema", "--vscode")
    assert code == 2
    assert message in output
    assert "Tragen Sie stattdessen diese Zeilen selbst dort ein:" in output
    assert '"./.gk/schemas/alliance.json": [\n            "/alliances/*.yaml"' in output
    assert settings.read_text(encoding="utf-8") == content
    assert not (root / ".gk").exists()
    assert sorted(p.name for p in (root / ".vscode").iterdir()) == ["settings.json"]


def test_vscode_needs_a_repository(tmp_path: Path) -> None:
    code, output = run_main("-C", str(tmp_path), "schema", "--vscode")
    assert code == 2
    assert output.startswith("gk: Keine gk-Datenablage in")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["service", "--vscode"], ["--vscode", "--out", "x"],
                                  ["--out", "x", "-o", "y"]])
def test_conflicting_options_are_usage_errors(tmp_path: Path, args: list[str]) -> None:
    result = run_gk("-C", str(tmp_path), "schema", *args)
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_jsonc_scanner_keeps_strings_and_comments() -> None:
    from gk.edit.jsonc import add_to_list

    text = '{"a": "http://x//y", /* note */ "b": [1, 2,], // end\n}'
    assert add_to_list(text, "b", "z") == '{"a": "http://x//y", /* note */ "b": [1, 2, "z",], ' \
        '// end\n}'


# --- shell completion (gk.cli.completion) -------------------------------------------------------

WORKSHEET = """\
template: begleitprotokoll
date: 2026-01-10
todos:
  - {id: abh-einladen, title: ABH einladen, status: open}
  - {id: protokoll, title: Protokoll, status: done}
  - {id: abh-termin, title: Termin, status: open}
"""


@pytest.fixture
def completion_repo(make_repo: Any) -> Path:
    root: Path = make_repo({
        "alliances/musterstadt.yaml": VALID_ALLIANCE,
        "alliances/meerbusch.yaml": VALID_ALLIANCE,
        "alliances/moers.yaml": VALID_ALLIANCE,
        "worksheets/musterstadt/begleitprotokoll-2026-01-10.yaml": WORKSHEET,
        "worksheets/musterstadt/ohne-aufgaben.yaml":
            "template: begleitprotokoll\ndate: 2026-01-01\n",
        "worksheets/meerbusch/begleitprotokoll-2026-01-10.yaml": WORKSHEET,
        "worksheets/meerbusch/begleitprotokoll-2026-02-10.yaml": WORKSHEET,
        "templates/sprechstunde.yaml": CUSTOM_TEMPLATE,
    })
    return root


def _complete(root: Path, func: completion.Completer, incomplete: str) -> list[str]:
    ctx = click.Context(cli, obj={"directory": str(root)})
    param = click.Argument(["x"])
    return [item.value for item in func(ctx, param, incomplete)]


def test_complete_alliances_and_templates(completion_repo: Path) -> None:
    assert _complete(completion_repo, completion.complete_alliance, "m") == [
        "meerbusch", "moers", "musterstadt"]
    assert _complete(completion_repo, completion.complete_alliance, "mu") == ["musterstadt"]
    assert _complete(completion_repo, completion.complete_template, "") == [
        "bedarfs-angebotsanalyse", "begleitprotokoll", "prozessmanagement", "sprechstunde"]
    assert _complete(completion_repo, completion.complete_schema_kind, "worksheet-s") == [
        "worksheet-sprechstunde"]


def test_complete_todo_refs_part_by_part(completion_repo: Path) -> None:
    complete = completion.complete_todo_ref
    # several alliances fit: offer them with a slash
    assert _complete(completion_repo, complete, "m") == ["meerbusch/", "moers/", "musterstadt/"]
    # one alliance, one worksheet with open to-dos: straight on to the to-dos (done ones left out)
    assert _complete(completion_repo, complete, "mu") == [
        "musterstadt/begleitprotokoll-2026-01-10/abh-einladen",
        "musterstadt/begleitprotokoll-2026-01-10/abh-termin"]
    # one alliance, two worksheets: the worksheets
    assert _complete(completion_repo, complete, "mee") == [
        "meerbusch/begleitprotokoll-2026-01-10/", "meerbusch/begleitprotokoll-2026-02-10/"]
    assert _complete(completion_repo, complete, "meerbusch/begleitprotokoll-2026-02-10/abh-t") == [
        "meerbusch/begleitprotokoll-2026-02-10/abh-termin"]
    assert _complete(completion_repo, complete, "moers/") == []
    assert _complete(completion_repo, completion.complete_worksheet_ref, "musterstadt/o") == [
        "musterstadt/ohne-aufgaben"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_completion_does_not_wait_on_a_pipe(completion_repo: Path) -> None:
    """Tab completion reads worksheets like gk check does: a named pipe is not opened."""
    folder = completion_repo / "worksheets" / "moers"
    folder.mkdir()
    os.mkfifo(folder / "rohr.yaml")
    assert _complete(completion_repo, completion.complete_todo_ref, "moers/") == []
    assert completion.todo_ids(completion_repo, "moers", "rohr") == []


def test_completion_outside_a_repository_offers_nothing(tmp_path: Path) -> None:
    assert _complete(tmp_path, completion.complete_alliance, "") == []
    assert _complete(tmp_path, completion.complete_todo_ref, "") == []
    assert _complete(tmp_path, completion.complete_template, "b") == [
        "bedarfs-angebotsanalyse", "begleitprotokoll"]


def test_completion_through_the_shell_protocol(completion_repo: Path) -> None:
    """What bash receives: `_GK_COMPLETE=bash_complete` with the words typed so far."""
    from click.testing import CliRunner

    env = {"_GK_COMPLETE": "bash_complete", "COMP_WORDS": f"gk -C {completion_repo} export mu",
           "COMP_CWORD": "4"}
    result = CliRunner().invoke(cli, [], prog_name="gk", env=env)
    assert result.output == "plain,musterstadt\n"
    env["COMP_WORDS"] = "gk schema ser"
    env["COMP_CWORD"] = "2"
    assert CliRunner().invoke(cli, [], prog_name="gk", env=env).output == "plain,service\n"


def test_completion_items_are_click_items(completion_repo: Path) -> None:
    ctx = click.Context(cli, obj={"directory": str(completion_repo)})
    items = completion.complete_alliance(ctx, click.Argument(["x"]), "")
    assert all(isinstance(item, CompletionItem) for item in items)


def test_out_into_an_unwritable_place_is_one_clean_line(tmp_path: Path) -> None:
    blocker = tmp_path / "datei"
    blocker.write_text("", encoding="utf-8")
    target = blocker / "schemas"
    code, output = run_main("schema", "--out", str(target))
    assert code == 2
    assert output.startswith(f"gk: „{target}“ kann nicht geschrieben werden: ")
