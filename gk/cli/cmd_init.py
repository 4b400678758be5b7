"""``gk init``: a new data repository with settings, folders, a team README and editor schemas."""

from __future__ import annotations

import contextlib
import errno
import shutil
import subprocess
from pathlib import Path

import click

from gk.cli.common import apply_language, common_options, resolve_today, working_folder
from gk.domain import CONFIG_FILE, KIND_FOLDERS
from gk.errors import GkError
from gk.i18n import _

# Files for the team, in German on purpose (the repository is theirs).
README = """\
# {name}

Dieses Repository enthält die Daten eines Netzwerks der Landesinitiative „Gemeinsam
klappt’s“ als YAML-Dateien. Das Werkzeug `gk` prüft sie und macht daraus Checklisten,
To-do-Listen, Lückenübersichten und Berichte.

## Was wohin gehört

| Ordner / Datei | Inhalt |
|---|---|
| `gk.yaml` | Einstellungen: Name, Sprache, Berichtszeitraum, Datenschutz |
| `alliances/<bündnis>.yaml` | ein Bündnis (eine Kommune) je Datei |
| `services/<bündnis>/<angebot>.yaml` | ein Angebot je Datei, im Ordner seines Bündnisses |
| `worksheets/<bündnis>/<arbeitshilfe>.yaml` | eine ausgefüllte Arbeitshilfe je Datei |
| `templates/` | eigene Vorlagen für Arbeitshilfen (nur bei Bedarf) |
| `.gk/schemas/` | Schemas für den Editor (von `gk` erzeugt, nicht von Hand ändern) |

Dateinamen sind Kennungen: Kleinbuchstaben, Ziffern und Bindestriche, keine Umlaute,
z. B. `rhein-kreis-neuss.yaml`.

## Neue Dateien anlegen

```sh
gk new alliance musterstadt
gk new service musterstadt sprachcafe
gk new worksheet musterstadt prozessmanagement
```

`gk new` schreibt jede Angabe mit einer Erklärung hinein. Optionale Angaben stehen
auskommentiert da: zum Ausfüllen das `# ` am Zeilenanfang löschen.

## Aufgaben und Checkliste

```sh
gk todo                      # offene Aufgaben, überfällige zuerst
gk todo done <bündnis>/<arbeitshilfe>/<aufgabe>
gk checklist <bündnis>       # Stand der Checkliste Prozessmanagement
```

## Keine personenbezogenen Daten

In dieses Repository gehören **keine Daten über einzelne junge Menschen**: keine Namen,
Geburtsdaten, Aktenzeichen oder Fallgeschichten. Kontakte und Beteiligte werden als Rolle
oder Stelle angegeben (z. B. „GfS“, „Jobcenter, Team U25“), E-Mail-Adressen nur als
Funktionsadressen. Zahlen zur Zielgruppe nur als Gesamtzahlen.

## Vor jedem Commit

```sh
gk check
```

`gk check` muss ohne Fehler durchlaufen. Jede Meldung nennt Datei, Zeile und Spalte und
sagt, wie der Fehler zu beheben ist.
"""

GITATTRIBUTES = """\
# YAML files always with LF line endings, whatever the editor on Windows does
*.yaml text eol=lf
*.yml text eol=lf
*.md text eol=lf
"""

GITIGNORE_ENTRY = ".*.tmp"
GITIGNORE = f"""\
# temporary files of a gk write that was interrupted (the next write removes them)
{GITIGNORE_ENTRY}
"""

EDITORCONFIG = """\
root = true

[*]
charset = utf-8
insert_final_newline = true
trim_trailing_whitespace = true

[*.{yaml,yml}]
indent_style = space
indent_size = 2
end_of_line = lf

[*.md]
trim_trailing_whitespace = false
"""


def _add_gitignore_entry(target: Path) -> bool:
    """Add gk's temporary files to an existing .gitignore (at its end, nothing else
    changed); False when it names them already."""
    from gk.edit.atomic import read_in_repository, write_in_repository

    original = read_in_repository(target, ".gitignore")
    lines = original.raw.decode("utf-8", "replace").splitlines()
    if GITIGNORE_ENTRY in (line.strip() for line in lines):
        return False
    nl = b"\r\n" if b"\r\n" in original.raw else b"\n"
    head = original.raw if not original.raw or original.raw.endswith(b"\n") \
        else original.raw + nl
    write_in_repository(target, ".gitignore", head + GITIGNORE.encode("utf-8").replace(
        b"\n", nl), original=original)
    return True


def config_text(name: str, today: str) -> str:
    """gk.yaml with the required keys and the optional ones as commented lines."""
    from gk.edit.skeletons import SkeletonWriter, header
    from gk.engine.schemas import schema

    writer = SkeletonWriter(schema("gk"))
    header(writer, CONFIG_FILE, "gk",
            f"Einstellungen dieser Datenablage von „Gemeinsam klappt’s“ – angelegt mit "
            f"„gk init“ am {today}.")
    values = {"gk": 1, "name": name, "language": "de"}
    schema_root = writer.schema.root
    required = set(writer.schema.required(schema_root))
    for key, node in writer.schema.properties(schema_root).items():
        writer.property(key, node, key in required, 0, values.get(key))
        writer.blank()
    return writer.text()


def _missing_folders(target: Path) -> list[Path]:
    """``target`` and those of its parents that do not exist yet (gk init makes them)."""
    missing = []
    for folder in (target, *target.parents):
        if folder.exists():
            break
        missing.append(folder)
    return missing


def _undo(target: Path, created: list[str], made: list[Path]) -> None:
    """Remove what a failed gk init wrote: the files it created (never one that existed) and
    the folders it made, where they are empty; best effort, as the disk may be full."""
    doomed = [target / rel for rel in reversed(created)]
    schemas = target / ".gk" / "schemas"
    if target / ".gk" in made and schemas.is_dir():
        doomed += list(schemas.iterdir())  # .gk did not exist: every schema in it is ours
        made.insert(0, schemas)
    for path in doomed:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    for folder in sorted(made, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()


# A file system that has no room or no right to write: gk init says so in its own words.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS, errno.EACCES,
                      errno.EPERM, errno.EIO})


def _cannot_create(target: Path, exc: OSError) -> GkError:
    return GkError(_("Cannot create the data repository in '{path}': {error}. Nothing was "
                     "left behind; free some space on the disk or choose a folder you may "
                     "write to.").format(path=target, error=exc.strerror or exc))


def inside_git_work_tree(folder: Path) -> bool:
    git = shutil.which("git")
    if git is None:
        return False
    try:
        result = subprocess.run([git, "rev-parse", "--is-inside-work-tree"], cwd=folder,
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and result.stdout.strip() == "true"


@click.command(help=_("""Create a new data repository in DIR (default: the current folder):
gk.yaml, the folders alliances/, services/, worksheets/ and templates/, a short German README
for the team, .gitattributes, .editorconfig, .gitignore and the JSON Schemas for editors in .gk/schemas/.
Runs 'git init' when git is installed and DIR is not yet inside a git repository.
Refuses when DIR already holds a gk.yaml; files that exist already are kept.""")
             + "\n\n\b\n" + _("Examples:") + """
  gk init
  gk init daten-rhein-kreis --name "Gemeinsam klappt's – Rhein-Kreis Neuss"
""")
@click.argument("target_dir", metavar="[DIR]", required=False, type=click.Path(file_okay=False))
@click.option("--name", help=_("Title of the repository for report headings (default: from the "
                               "folder name)."))
@click.option("--no-git", is_flag=True, help=_("Do not run 'git init'."))
@common_options
@click.pass_context
def init(ctx: click.Context, target_dir: str | None, name: str | None, no_git: bool) -> None:
    from gk.edit.atomic import check_target
    from gk.edit.roundtrip import create_new
    from gk.edit.skeletons import GK_FOLDER_README, GK_FOLDER_README_TEXT, write_schemas

    apply_language(ctx, None)
    base = working_folder(ctx)
    target = (base / target_dir) if target_dir else base
    if target.exists() and not target.is_dir():
        raise GkError(_("'{path}' is a file, not a folder.").format(path=target))
    if (target / CONFIG_FILE).exists():
        raise GkError(_("'{path}' is already a gk data repository (it has a gk.yaml); nothing "
                        "was written.").format(path=target))
    title = " ".join((name or "").split()) or \
        f"Gemeinsam klappt’s – {target.resolve().name or 'Daten'}"
    today = resolve_today(None).isoformat()
    made = _missing_folders(target)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_create(target, exc) from exc
    files = {
        CONFIG_FILE: config_text(title, today),
        "README.md": README.format(name=title),
        ".gitattributes": GITATTRIBUTES,
        ".gitignore": GITIGNORE,
        ".editorconfig": EDITORCONFIG,
        GK_FOLDER_README: GK_FOLDER_README_TEXT,
        **{f"{folder}/.gitkeep": "" for folder in KIND_FOLDERS},
    }
    for rel in files:  # a link on the way stops it before anything is written
        check_target(target, rel)
    created: list[str] = []
    kept: list[str] = []
    made += [target / folder for folder in (*KIND_FOLDERS, ".gk") if not (target / folder).exists()]
    try:
        write_schemas(target, {})  # first: a '.gk' that gk may not write into stops it here
        for rel, text in files.items():
            try:
                create_new(target, rel, text.encode("utf-8"))
                created.append(rel)
            except FileExistsError:
                kept.append(rel)
    except (OSError, GkError) as exc:  # a full disk, a read-only folder: undo, then one line
        _undo(target, created, made)
        failed = exc.__cause__ if isinstance(exc, GkError) else exc
        if not isinstance(failed, OSError) or failed.errno not in _NO_ROOM:
            raise  # refused (a link on the way): its own words
        raise _cannot_create(target, failed) from exc
    if ".gitignore" in kept and _add_gitignore_entry(target):
        kept.remove(".gitignore")
        created.append(".gitignore")
    created.append(".gk/schemas/")
    click.echo(_("Created a new data repository in {path}:").format(path=target.resolve()))
    for rel in created:
        click.echo(f"  {rel}")
    for rel in kept:
        click.echo("  " + _("{path} (existed already, kept)").format(path=rel))
    if not no_git and shutil.which("git") and not inside_git_work_tree(target):
        result = subprocess.run([str(shutil.which("git")), "init", "--quiet"], cwd=target,
                                capture_output=True, text=True, timeout=60)
        if result.returncode == 0:
            click.echo(_("Initialised a git repository."))
        else:
            click.echo(_("'git init' did not work: {error}").format(
                error=(result.stderr or result.stdout).strip()[:200]), err=True)
    click.echo(_("Next steps:"))
    click.echo("  gk new alliance <id>")
    click.echo("  gk check")
