"""Shell completion for gk's arguments: alliance ids, templates, worksheets, to-do references.

Each ``complete_*`` function is a click ``shell_complete`` callback; a command attaches one
to an argument, e.g. ``@click.argument("alliance", shell_complete=complete_alliance)``.
Completion runs on every press of the Tab key, so it only lists folders and reads no more
than the worksheets of one alliance; it never validates and never fails (a problem means no
suggestions).

Users enable completion once in their shell (see docs/cli-reference.md and the guides)::

    eval "$(_GK_COMPLETE=bash_source gk)"      # ~/.bashrc
    eval "$(_GK_COMPLETE=zsh_source gk)"       # ~/.zshrc
    _GK_COMPLETE=fish_source gk | source       # ~/.config/fish/completions/gk.fish

A reference ``ALLIANCE/WORKSHEET/TODO`` is completed one part at a time. When only one
alliance (or worksheet) fits what was typed, completion goes straight on to the next part,
so that shells which add a space after a single match never stop at ``meerbusch/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from gk.domain import FOLDER_OF, SHIPPED_TEMPLATES, is_open, path_of
from gk.engine.schemas import KINDS

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def _start_dir(ctx: click.Context) -> Path:
    """Where the user asked gk to look: -C before or after the command name, else the cwd."""
    node: click.Context | None = ctx
    while node is not None:
        obj = node.obj if isinstance(node.obj, dict) else {}
        directory = obj.get("directory") or node.params.get("directory")
        if isinstance(directory, (tuple, list)):  # -C may be given several times
            directory = directory[-1] if directory else None
        if isinstance(directory, str) and directory:
            return Path(directory)
        node = node.parent
    return Path.cwd()


def data_root(ctx: click.Context) -> Path | None:
    """The data repository the command line points at, or None when there is none."""
    from gk.engine.discover import find_root
    from gk.errors import GkError

    try:
        return find_root(_start_dir(ctx))
    except (GkError, OSError):
        return None


def _stems(folder: Path, suffix: str = ".yaml") -> list[str]:
    """File names without the suffix; names with control or bidi characters are no ids and
    are left out (a completion goes to the shell as it is and cannot be escaped)."""
    from gk.render.escape import inert

    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(n[: -len(suffix)] for n in names
                  if n.endswith(suffix) and not n.startswith((".", "~$")) and inert(n))


def alliance_ids(root: Path) -> list[str]:
    return _stems(root / FOLDER_OF["alliance"])


def custom_template_ids(root: Path | None) -> list[str]:
    """The ids of the repository's own templates, from the names in ``templates/`` as
    ``discover`` sees them (pipes and links out of the repository left out; nothing is read)."""
    from gk.engine.discover import discover_templates
    from gk.errors import GkError

    if root is None:
        return []
    try:
        sources, _problems = discover_templates(root)
    except (OSError, GkError):  # completion never fails: no suggestions instead
        return []
    return [s.stem for s in sources if s.stem not in SHIPPED_TEMPLATES]


def template_ids(root: Path | None) -> list[str]:
    return sorted({*SHIPPED_TEMPLATES, *custom_template_ids(root)})


def worksheet_ids(root: Path, alliance: str) -> list[str]:
    return _stems(root / FOLDER_OF["worksheet"] / alliance)


def todo_ids(root: Path, alliance: str, worksheet: str, only_open: bool = True) -> list[str]:
    """The ids of the to-dos of one worksheet (open ones unless told otherwise)."""
    from gk.engine.load import load_file
    from gk.render.escape import inert

    data = load_file(root, path_of("worksheet", alliance, worksheet)).data
    todos = data.get("todos") if isinstance(data, dict) else None
    ids: list[str] = []
    for todo in todos if isinstance(todos, list) else []:
        if not isinstance(todo, dict) or not isinstance(todo.get("id"), str) \
                or not inert(todo["id"]):
            continue
        if only_open and not is_open(todo):
            continue
        ids.append(todo["id"])
    return ids


def _items(values: list[str], incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(v) for v in values if v.startswith(incomplete)]


def complete_alliance(ctx: click.Context, param: click.Parameter,
                      incomplete: str) -> list[CompletionItem]:
    """Alliance ids of the data repository (the file names in ``alliances/``)."""
    root = data_root(ctx)
    return _items(alliance_ids(root), incomplete) if root is not None else []


def complete_template(ctx: click.Context, param: click.Parameter,
                      incomplete: str) -> list[CompletionItem]:
    """Template ids: the shipped ones and those in the repository's ``templates/``."""
    return _items(template_ids(data_root(ctx)), incomplete)


def complete_schema_kind(ctx: click.Context, param: click.Parameter,
                         incomplete: str) -> list[CompletionItem]:
    """Kinds that ``gk schema`` prints, including worksheets of the repository's templates."""
    kinds = list(KINDS)
    root = data_root(ctx)
    if root is not None:
        kinds += [f"worksheet-{t}" for t in custom_template_ids(root)]
    return _items(kinds, incomplete)


def _descend(prefix: str, choices: list[str], deeper: Callable[[str], list[CompletionItem]],
             incomplete: str) -> list[CompletionItem]:
    matching = [c for c in choices if c.startswith(incomplete)]
    if len(matching) == 1:
        more = deeper(matching[0])
        if more:
            return more
    return [CompletionItem(f"{prefix}{c}/") for c in matching]


def complete_worksheet_ref(ctx: click.Context, param: click.Parameter,
                           incomplete: str) -> list[CompletionItem]:
    """``ALLIANCE/WORKSHEET`` references."""
    root = data_root(ctx)
    if root is None:
        return []
    alliance, slash, rest = incomplete.partition("/")

    def sheets(of: str, typed: str = "") -> list[CompletionItem]:
        return [CompletionItem(f"{of}/{w}") for w in worksheet_ids(root, of) if w.startswith(typed)]

    if slash:
        return sheets(alliance, rest)
    return _descend("", alliance_ids(root), sheets, incomplete)


def complete_todo_ref(ctx: click.Context, param: click.Parameter,
                      incomplete: str) -> list[CompletionItem]:
    """``ALLIANCE/WORKSHEET/TODO`` references of open to-dos, one part at a time."""
    root = data_root(ctx)
    if root is None:
        return []
    parts = incomplete.split("/")

    def todos(alliance: str, sheet: str, typed: str = "") -> list[CompletionItem]:
        return [CompletionItem(f"{alliance}/{sheet}/{t}")
                for t in todo_ids(root, alliance, sheet) if t.startswith(typed)]

    def sheets(alliance: str, typed: str = "") -> list[CompletionItem]:
        with_todos = [w for w in worksheet_ids(root, alliance) if todo_ids(root, alliance, w)]
        return _descend(f"{alliance}/", with_todos, lambda w: todos(alliance, w), typed)

    if len(parts) >= 3:
        return todos(parts[0], parts[1], "/".join(parts[2:]))
    if len(parts) == 2:
        return sheets(parts[0], parts[1])
    return _descend("", alliance_ids(root), sheets, incomplete)
