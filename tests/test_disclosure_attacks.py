"""Attacks on the disclosure control: can anyone pin a small count of people from gk's outputs?

Repositories with small counts in every place a count of people can be (Teilhabemanagement
per alliance and year, target-group entries with overlapping statuses) are written to disk as
real YAML files (and real git history for the time cases). gk's real command line
(``python -m gk``) is then run with the filters and combinations it offers: ``--alliance``
subsets, ``--region`` subsets, ``--from/--to``, several repositories, ``--since``. An
attacker collects every published figure into one system of constraints — intervals for
``<N`` and ``x``, equations for every sum as docs/reports.md documents it, equations between
an entry over several statuses and the statuses — and narrows the bounds as far as it can
(interval propagation and differences between any two equations, across all outputs). A
test fails when a count of people below the minimum is pinned to a single number.

The attacker is itself tested: on the figures the former secondary suppression published
(issue 13), it recovers the hidden counts.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE

PROJECT = Path(__file__).resolve().parent.parent
STATUSES = ("gestattung", "duldung", "aufenthaltserlaubnis", "other")
TARGET = frozenset({"duldung", "gestattung"})
REGIONS = ("arnsberg", "detmold", "duesseldorf", "koeln", "muenster")
INF = math.inf

Var = tuple[Any, ...]


# --- running gk ---------------------------------------------------------------------------

def gk(*args: str | Path, cwd: Path | None = None, fmt: str = "json") -> Any:
    """``python -m gk ... summarize --format FMT`` as a separate process; JSON parsed."""
    result = subprocess.run(
        [sys.executable, "-m", "gk", *map(str, args), "--format", fmt, "--allow-incomplete"],
        capture_output=True, text=True, cwd=cwd, env=os.environ.copy(), timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if fmt == "json" else result.stdout


# --- generated repositories ---------------------------------------------------------------

@dataclass
class Site:
    """An invented alliance: region, persons reached per year, target-group entries."""

    id: str
    region: str
    reached: dict[int, int] = field(default_factory=dict)
    target: list[tuple[tuple[str, ...], int | str]] = field(default_factory=list)
    as_of: str = "2025-03-31"

    def yaml(self) -> str:
        lines = [f"name: Stadt {self.id.title()} (erfunden)", "type: kreisfreie-stadt",
                 f"region: {self.region}", "joined: 2019-01-15",
                 "lead_office: {organisation: Kommunales Integrationszentrum, contact: GfS}"]
        if self.target:
            lines.append("target_group:")
            lines += [f"  - {{as_of: {self.as_of}, statuses: [{', '.join(s)}], count: {c}}}"
                      for s, c in self.target]
        if self.reached:
            lines += ["participation_management:", "  positions: 1", "  reached:"]
            lines += [f"    - {{year: {y}, persons: {n}}}" for y, n in sorted(self.reached.items())]
        return "\n".join(lines) + "\n"


def write(root: Path, sites: Iterable[Site], min_count: int = 3) -> Path:
    (root / "alliances").mkdir(parents=True, exist_ok=True)
    (root / "gk.yaml").write_text(
        f"gk: 1\nname: Angriffsablage {root.name} (erfunden)\nlanguage: de\n"
        f"period: {{from: 2025-01-01, to: 2025-12-31}}\nprivacy:\n  min_count: {min_count}\n",
        encoding="utf-8")
    for site in sites:
        (root / "alliances" / f"{site.id}.yaml").write_text(site.yaml(), encoding="utf-8")
    return root


def random_sites(rng: random.Random, count: int, prefix: str = "") -> list[Site]:
    """Sites with many small cells (0, 1, 2 and just above), absent years, and target groups
    in every overlapping pattern: a total with one or both parts, parts only, nested sets."""
    def persons() -> int:
        return rng.choice([0, 1, 2, 2, 3, 4, 5, rng.randint(6, 40), rng.randint(40, 200)])

    sites = []
    for i in range(count):
        site = Site(f"{prefix}ort{i:02d}", REGIONS[i % len(REGIONS)])
        for year in (2023, 2024, 2025):
            if rng.random() < 0.85:
                site.reached[year] = persons()
        d, g, a = persons(), persons(), persons()
        pattern = rng.randrange(7)
        if pattern == 0:
            site.target = [(("duldung", "gestattung"), d + g)]
        elif pattern == 1:
            site.target = [(("duldung", "gestattung"), d + g), (("gestattung",), g)]
        elif pattern == 2:
            site.target = [(("duldung", "gestattung"), d + g), (("gestattung",), g),
                           (("duldung",), d)]
        elif pattern == 3:
            site.target = [(("gestattung",), g), (("duldung",), d)]
        elif pattern == 4:
            site.target = [(("duldung", "gestattung", "aufenthaltserlaubnis"), d + g + a),
                           (("duldung", "gestattung"), d + g), (("aufenthaltserlaubnis",), a)]
        elif pattern == 5:
            site.target = [(("duldung", "gestattung"), d + g),
                           (("gestattung", "aufenthaltserlaubnis"), g + a),
                           (("aufenthaltserlaubnis",), a)]
        else:
            site.target = [(("duldung", "gestattung"), "unknown"), (("duldung",), d)]
        sites.append(site)
    return sites


# --- the attacker -------------------------------------------------------------------------

class Attacker:
    """Collects constraints from published figures and narrows every unknown's bounds.

    Unknowns: ``("r", alliance, year)`` persons reached; ``("e", alliance, date, statuses)``
    a target-group entry; ``("s", alliance, date, status)`` the people of one status.
    Equations have coefficients +1/-1; the attacker propagates interval bounds through them
    and adds the difference of any two equations whose terms are nested (the differencing
    of two reports, or of a total and its part)."""

    def __init__(self) -> None:
        self.low: dict[Var, float] = {}
        self.high: dict[Var, float] = {}
        self.equations: set[tuple[frozenset[tuple[Var, int]], int]] = set()

    def bound(self, var: Var, low: float, high: float) -> None:
        self.low[var] = max(self.low.get(var, 0), low)
        self.high[var] = min(self.high.get(var, INF), high)

    def equation(self, terms: dict[Var, int], rhs: int) -> None:
        for var in terms:
            self.bound(var, 0, INF)
        terms = {v: c for v, c in terms.items() if c}
        if terms:
            self.equations.add((frozenset(terms.items()), rhs))

    def published(self, var: Var, value: Any, min_count: int) -> None:
        """A published count: a number, '<N', 'x' (anything from 0) or 'unknown'."""
        if isinstance(value, int):
            self.bound(var, value, value)
        elif isinstance(value, str) and value.startswith("<"):
            self.bound(var, 0, int(value[1:]) - 1)
        elif value == "x":
            self.bound(var, 0, INF)

    def observe(self, report: dict[str, Any]) -> None:
        """Everything ``gk summarize --format json`` publishes about people."""
        n = report["privacy"]["min_count"]
        # documented: a total adds the values shown as numbers, never a withheld one
        assert report["privacy"]["totals"] == "shown-values-only"
        pm = report["participation_management"]
        for alliance, row in pm["by_alliance"].items():
            for year, value in row["reached"].items():
                self.published(("r", alliance, int(year)), value, n)
        for year, total in pm["reached"].items():
            cells = {a: row["reached"][year] for a, row in pm["by_alliance"].items()
                     if year in row["reached"]}
            self.total(total, {("r", a, int(year)): v for a, v in cells.items()})
        tg = report["target_group"]
        in_total: dict[Var, Any] = {}
        for alliance, entries in tg["by_alliance"].items():
            for entry in entries:
                statuses = frozenset(entry["statuses"]) or frozenset(STATUSES)
                var = ("e", alliance, entry["as_of"], statuses)
                if entry["count"] == "unknown":
                    continue
                self.published(var, entry["count"], n)
                # an entry counts the people of each of its statuses once
                self.equation({var: 1, **{("s", alliance, entry["as_of"], s): -1
                                         for s in statuses}}, 0)
                if statuses == TARGET:
                    in_total[var] = entry["count"]
        if tg["total"] is not None:
            self.total(tg["total"], in_total)

    def total(self, total: int, cells: dict[Var, Any]) -> None:
        """A published sum: of the numbers shown (documented). Whatever is left over would be
        the sum of the withheld cells: an equation the attacker keeps."""
        rest = total - sum(v for v in cells.values() if isinstance(v, int))
        hidden = {var: 1 for var, v in cells.items() if not isinstance(v, int)}
        assert rest >= 0, "a published sum is smaller than the numbers it adds"
        if rest:
            self.equation(hidden, rest)

    def _propagate(self, terms: frozenset[tuple[Var, int]], rhs: int) -> bool:
        changed = False
        for var, coef in terms:
            # coef * var = rhs - (sum of the other terms), whose range is [least, most]
            least = sum(min(c * self.low[o], c * self.high[o]) for o, c in terms if o != var)
            most = sum(max(c * self.low[o], c * self.high[o]) for o, c in terms if o != var)
            low, high = rhs - most, rhs - least
            if coef < 0:
                low, high = -high, -low
            low = math.ceil(low - 1e-9) if math.isfinite(low) else 0
            high = math.floor(high + 1e-9) if math.isfinite(high) else INF
            if low > self.low[var] or high < self.high[var]:
                self.bound(var, low, high)
                changed = True
        return changed

    def _differences(self) -> bool:
        new = set()
        for (a, ra), (b, rb) in itertools.combinations(self.equations, 2):
            if a < b or b < a:
                (small, rs), (big, rbig) = sorted(((a, ra), (b, rb)), key=lambda e: len(e[0]))
                rest = big - small
                if rest and (rest, rbig - rs) not in self.equations:
                    new.add((rest, rbig - rs))
        self.equations |= set(itertools.islice(new, 500))
        return bool(new)

    def solve(self) -> None:
        for _round in range(6):
            changed = self._differences() if len(self.equations) < 3000 else False
            for _inner in range(50):
                if not any([self._propagate(t, r) for t, r in list(self.equations)]):
                    break
                changed = True
            if not changed:
                break

    def pinned(self) -> dict[Var, int]:
        """Unknowns narrowed to one whole number, and sums of unknowns the equations pin."""
        found: dict[Var, int] = {v: int(self.low[v]) for v in self.low
                                 if self.low[v] == self.high[v]}
        for terms, rhs in self.equations:  # e.g. gestattung + aufenthaltserlaubnis = 2
            open_terms = [(v, c) for v, c in terms if v not in found]
            rest = rhs - sum(c * found[v] for v, c in terms if v in found)
            if len(open_terms) > 1 and len({c for _v, c in open_terms}) == 1:
                found[("sum", *sorted(v for v, _c in open_terms))] = abs(rest)
        return found


def truth_of(sites: Iterable[Site]) -> dict[Var, int]:
    """The true value of every unknown the attacker may pin (the test knows them)."""
    truth: dict[Var, int] = {}
    for site in sites:
        for year, n in site.reached.items():
            truth[("r", site.id, year)] = n
        for statuses, count in site.target:
            if isinstance(count, int):
                truth[("e", site.id, site.as_of, frozenset(statuses))] = count
    return truth


def disclosed(attacker: Attacker, truth: dict[Var, int], min_count: int) -> list[str]:
    """Protected counts (true value below the minimum) or small sums the attacker pinned."""
    attacker.solve()
    out = []
    for var, value in attacker.pinned().items():
        if var[0] == "sum" or var[0] == "s":
            if value < min_count:
                out.append(f"{var} = {value}")
        elif var in truth and truth[var] < min_count:
            assert value == truth[var], (var, value, truth[var])  # the attacker is sound
            out.append(f"{var} = {value}")
    return out


# --- the attacker works -------------------------------------------------------------------

def test_attacker_recovers_what_secondary_suppression_published() -> None:
    """The shipped example under the former method (issue 13): all alliances 216 with Hamm
    '<3' and Bielefeld 'x'; without Hamm 214 with Bielefeld 48. The attacker finds Hamm."""
    attacker = Attacker()
    others = {"bielefeld": 48, "duisburg": 71, "koeln": 95}
    attacker.published(("r", "hamm", 2025), "<3", 3)
    attacker.published(("r", "bielefeld", 2025), "x", 3)
    attacker.published(("r", "duisburg", 2025), 71, 3)
    attacker.published(("r", "koeln", 2025), 95, 3)
    attacker.total(216, {("r", "hamm", 2025): "<3", ("r", "bielefeld", 2025): "x",
                         ("r", "duisburg", 2025): 71, ("r", "koeln", 2025): 95})
    for alliance, value in others.items():
        attacker.published(("r", alliance, 2025), value, 3)
    assert disclosed(attacker, {("r", "hamm", 2025): 2}, 3) == ["('r', 'hamm', 2025) = 2"]


def test_attacker_uses_a_documented_rule_inside_one_report() -> None:
    """Cells 2, 5, 5, 100 shown as '<3', 'x', 5, 100 with the sum 112; the former rule said
    the withheld cell is the smallest shown (x <= 5): the attacker pins x = 5 and the 2."""
    attacker = Attacker()
    cells = {("r", "a", 1): "<3", ("r", "b", 1): "x", ("r", "c", 1): 5, ("r", "d", 1): 100}
    for var, value in cells.items():
        attacker.published(var, value, 3)
    attacker.bound(("r", "b", 1), 0, 5)  # the former documented rule
    attacker.total(112, cells)
    assert disclosed(attacker, {("r", "a", 1): 2, ("r", "b", 1): 5}, 3) == [
        "('r', 'a', 1) = 2"]


def test_attacker_differences_overlapping_entries() -> None:
    attacker = Attacker()
    report = {"privacy": {"min_count": 3, "totals": "shown-values-only"},
              "participation_management": {"reached": {}, "by_alliance": {}},
              "target_group": {"total": 40, "by_alliance": {"a": [
                  {"as_of": "2025-03-31", "statuses": ["gestattung", "duldung"], "count": 40},
                  {"as_of": "2025-03-31", "statuses": ["gestattung"], "count": 38},
                  {"as_of": "2025-03-31", "statuses": ["duldung"], "count": "<3"}]}}}
    attacker.observe(report)
    found = disclosed(attacker, {("e", "a", "2025-03-31", frozenset({"duldung"})): 2}, 3)
    assert "('e', 'a', '2025-03-31', frozenset({'duldung'})) = 2" in found


# --- the four cases of issue 13 -----------------------------------------------------------

def test_issue_differencing_across_filters_on_the_example(tmp_path: Path) -> None:
    import shutil

    copy = shutil.copytree(EXAMPLE, tmp_path / "nrw")
    everyone = gk("-C", copy, "summarize")
    ids = sorted(everyone["participation_management"]["by_alliance"])
    assert everyone["participation_management"]["by_alliance"]["hamm"]["reached"]["2025"] == "<3"
    assert everyone["participation_management"]["by_alliance"]["bielefeld"]["reached"][
        "2025"] == 48  # no secondary suppression
    without_hamm = gk("-C", copy, "summarize",
                      *itertools.chain.from_iterable(("--alliance", a) for a in ids if a != "hamm"))
    no_arnsberg = gk("-C", copy, "summarize", *itertools.chain.from_iterable(
        ("--region", r) for r in REGIONS if r != "arnsberg"))
    # the sum leaves Hamm's <3 out in every report, so the difference of two sums is 0
    assert everyone["participation_management"]["reached"]["2025"] \
        == without_hamm["participation_management"]["reached"]["2025"] \
        == no_arnsberg["participation_management"]["reached"]["2025"] == 214
    attacker = Attacker()
    for report in (everyone, without_hamm, no_arnsberg):
        attacker.observe(report)
    assert disclosed(attacker, {("r", "hamm", 2025): 2}, 3) == []


def test_issue_differencing_across_repositories(tmp_path: Path) -> None:
    a = write(tmp_path / "a", [Site("aa", "koeln", {2025: 40}), Site("ab", "koeln", {2025: 2})])
    b = write(tmp_path / "b", [Site("ba", "detmold", {2025: 3}), Site("bb", "detmold", {2025: 1})])
    attacker = Attacker()
    outputs = [gk("summarize", a), gk("summarize", b), gk("summarize", a, b),
               gk("summarize", a, b, "--alliance", "ab", "--alliance", "aa")]
    for report in outputs:
        attacker.observe(report)
    assert outputs[0]["participation_management"]["reached"] == {"2025": 40}
    assert outputs[2]["participation_management"]["reached"] == {"2025": 43}
    truth = {("r", "aa", 2025): 40, ("r", "ab", 2025): 2, ("r", "ba", 2025): 3,
             ("r", "bb", 2025): 1}
    assert disclosed(attacker, truth, 3) == []


def test_issue_inference_inside_one_report(tmp_path: Path) -> None:
    sites = [Site("a", "koeln", {2025: 2}), Site("b", "koeln", {2025: 5}),
             Site("c", "koeln", {2025: 5}), Site("d", "koeln", {2025: 100})]
    report = gk("summarize", write(tmp_path / "r", sites))
    pm = report["participation_management"]
    assert [pm["by_alliance"][s]["reached"]["2025"] for s in "abcd"] == ["<3", 5, 5, 100]
    assert pm["reached"]["2025"] == 110 and pm["not_in_sum"]["2025"] == 1
    attacker = Attacker()
    attacker.observe(report)
    assert disclosed(attacker, truth_of(sites), 3) == []
    text = gk("summarize", tmp_path / "r", fmt="markdown")
    assert "Die Summe zählt nur die ausgewiesenen Werte; Werte unter 3 sind nicht enthalten." \
        in text


def test_issue_overlapping_target_group_entries(tmp_path: Path) -> None:
    site = Site("a", "koeln", target=[(("duldung", "gestattung"), 40), (("gestattung",), 38),
                                      (("duldung",), 2)])
    root = write(tmp_path / "r", [site])
    report = gk("summarize", root)
    assert [e["count"] for e in report["target_group"]["by_alliance"]["a"]] == [40, "x", "x"]
    attacker = Attacker()
    attacker.observe(report)
    assert disclosed(attacker, truth_of([site]), 3) == []
    check = subprocess.run([sys.executable, "-m", "gk", "-C", str(root), "check", "--format",
                            "json"], capture_output=True, text=True, check=False)
    assert [f["code"] for f in json.loads(check.stdout)["findings"]] == ["GK509"]


# --- generated repositories, every filter and combination --------------------------------

def queries(sites: Sequence[Site], rng: random.Random) -> list[list[str]]:
    """Filters an attacker would try: everyone, each alliance alone, all but one, each region,
    all regions but one, random subsets, periods."""
    ids = [s.id for s in sites]

    def alliances(chosen: Iterable[str]) -> list[str]:
        return list(itertools.chain.from_iterable(("--alliance", a) for a in chosen))

    def regions(chosen: Iterable[str]) -> list[str]:
        return list(itertools.chain.from_iterable(("--region", r) for r in chosen))

    out: list[list[str]] = [[], ["--from", "2024-01-01", "--to", "2024-12-31"],
                            ["--sources", "--notes"]]
    out += [alliances([a]) for a in ids[:3]]
    out += [alliances([b for b in ids if b != a]) for a in ids]
    out += [regions([r]) for r in REGIONS[:2]]
    out += [regions([q for q in REGIONS if q != r]) for r in REGIONS]
    out += [alliances(rng.sample(ids, rng.randint(2, len(ids) - 1))) for _ in range(3)]
    return out


@pytest.mark.parametrize("seed,min_count", [(1, 3), (2, 3), (3, 2), (4, 5)])
def test_no_small_count_is_pinned_by_any_filter(tmp_path: Path, seed: int,
                                                min_count: int) -> None:
    rng = random.Random(seed)
    sites = random_sites(rng, 8)
    root = write(tmp_path / "r", sites, min_count)
    attacker = Attacker()
    for args in queries(sites, rng):
        attacker.observe(gk("-C", root, "summarize", *args))
    assert disclosed(attacker, truth_of(sites), max(min_count, 2)) == []


@pytest.mark.parametrize("seed", [5, 6])
def test_no_small_count_is_pinned_across_repositories(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    first, second = random_sites(rng, 5, "a"), random_sites(rng, 5, "b")
    a, b = write(tmp_path / "a", first), write(tmp_path / "b", second)
    attacker = Attacker()
    runs: list[list[str | Path]] = [[a], [b], [a, b], [b, a], [a, b, "--region", "koeln"]]
    runs += [[a, b, "--alliance", s.id] for s in first[:2]]
    runs += [[a, b, *itertools.chain.from_iterable(("--alliance", s.id) for s in first + second
                                                   if s is not x)] for x in first + second]
    for args in runs:
        attacker.observe(gk("summarize", *args))
    assert disclosed(attacker, truth_of(first + second), 3) == []


def test_text_and_markdown_show_the_same_protected_figures(tmp_path: Path) -> None:
    rng = random.Random(7)
    sites = random_sites(rng, 6)
    root = write(tmp_path / "r", sites)
    report = gk("-C", root, "summarize")
    small = {str(n) for s in sites for n in s.reached.values() if n < 3}
    for fmt in ("markdown", "text"):
        out = gk("-C", root, "summarize", fmt=fmt)
        part = out[out.index("Teilhabemanagement\n"):out.index("Zielgruppe\n")]
        for alliance in report["participation_management"]["by_alliance"]:
            line = next(line for line in part.splitlines() if f"({alliance})" in line)
            years = len(report["participation_management"]["reached"])
            cells = line.replace("|", " ").split()[-years:]
            assert not small & set(cells), (fmt, line)
        sums = next(line for line in part.splitlines() if "Summe der ausgewiesenen" in line)
        for total in report["participation_management"]["reached"].values():
            assert str(total) in sums, (fmt, sums)


# --- time ----------------------------------------------------------------------------------

def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True, env={**os.environ, "GIT_AUTHOR_NAME": "Test",
                                           "GIT_AUTHOR_EMAIL": "t@example.invalid",
                                           "GIT_COMMITTER_NAME": "Test",
                                           "GIT_COMMITTER_EMAIL": "t@example.invalid",
                                           "GIT_AUTHOR_DATE": "2025-01-01T12:00:00",
                                           "GIT_COMMITTER_DATE": "2025-01-01T12:00:00"}).stdout


def test_since_shows_no_count_of_people(tmp_path: Path) -> None:
    sites = [Site("a", "koeln", {2025: 40}, [(("duldung", "gestattung"), 40)]),
             Site("b", "koeln", {2025: 12})]
    root = write(tmp_path / "r", sites)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "erster Stand")
    sites[0].reached[2025] = 42
    sites[0].target = [(("duldung", "gestattung"), 41)]
    write(root, sites)
    report = gk("-C", root, "summarize", "--since", "HEAD")
    changes = json.dumps(report["changes"])
    assert not any(ch.isdigit() for ch in changes.replace(report["changes"]["commits"]["."], ""))
    markdown = gk("-C", root, "summarize", "--since", "HEAD", fmt="markdown")
    section = markdown[markdown.index("## Veränderungen seit"):]
    assert "40" not in section and "42" not in section and " 2 " not in section


def commit_states(root: Path, states: Sequence[Sequence[Site]]) -> list[str]:
    """One commit per state of the sites (real files, real git); the commit ids."""
    commits = []
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    for number, sites in enumerate(states):
        write(root, sites)
        git(root, "add", "-A")
        git(root, "commit", "-qm", f"Stand {number}", "--allow-empty")
        commits.append(git(root, "rev-parse", "HEAD").strip())
    return commits


def reports_of(root: Path, commits: Sequence[str]) -> list[dict[str, Any]]:
    """The report of each commit, made with that commit checked out (as a report made on
    that day was)."""
    out = []
    for commit in commits:
        git(root, "checkout", "-q", commit)
        out.append(gk("-C", root, "summarize"))
    return out


def published_cells(report: dict[str, Any]) -> dict[Var, Any]:
    cells: dict[Var, Any] = {}
    for alliance, row in report["participation_management"]["by_alliance"].items():
        for year, value in row["reached"].items():
            cells[("r", alliance, year)] = value
    for alliance, entries in report["target_group"]["by_alliance"].items():
        for e in entries:
            cells[("e", alliance, e["as_of"], tuple(e["statuses"]))] = e["count"]
    return cells


def small_changes(reports: Sequence[dict[str, Any]], min_count: int) -> list[str]:
    """Changes of fewer than the minimum people that two reports show for the same cell (two
    numbers less than the minimum apart, not equal). A sum is the sum of its report's shown
    cells (checked by the attacker), so the difference of two sums is the sum of the cells'
    differences and shows nothing the cells do not; it may be small as a balance of cells
    that moved in opposite directions."""
    found = []
    for (i, a), (j, b) in itertools.combinations(enumerate(reports), 2):
        first, second = published_cells(a), published_cells(b)
        for cell in first.keys() & second.keys():
            x, y = first[cell], second[cell]
            if isinstance(x, int) and isinstance(y, int) and 0 < abs(x - y) < min_count:
                found.append(f"{cell}: {x} in report {i}, {y} in report {j}")
    for report in reports:
        pm = report["participation_management"]
        for year, total in pm["reached"].items():
            assert total == sum(v for row in pm["by_alliance"].values()
                                if isinstance(v := row["reached"].get(year), int))
    return found


def test_issue_changes_over_time_two_reports(tmp_path: Path) -> None:
    """Issue 13: Teilhabemanagement 40 reached, then 42 — two reports must not show the 2."""
    before = [Site("a", "koeln", {2025: 40}, [(("duldung", "gestattung"), 40)]),
              Site("b", "koeln", {2025: 12})]
    after = [Site("a", "koeln", {2025: 42}, [(("duldung", "gestattung"), 41)]),
             Site("b", "koeln", {2025: 12})]
    root = tmp_path / "r"
    reports = reports_of(root, commit_states(root, [before, after]))
    assert reports[1]["participation_management"]["by_alliance"]["a"]["reached"] == {"2025": 40}
    assert reports[1]["target_group"]["by_alliance"]["a"][0]["count"] == 40
    assert small_changes(reports, 3) == []
    # uncommitted changes are one more state after the last commit
    write(root, [Site("a", "koeln", {2025: 44}), Site("b", "koeln", {2025: 12})])
    now = gk("-C", root, "summarize")
    assert now["participation_management"]["by_alliance"]["a"]["reached"] == {"2025": 44}
    assert small_changes([*reports, now], 3) == []


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_no_small_change_between_any_two_commits(tmp_path: Path, seed: int) -> None:
    """Counts that move by 0, 1, 2, 3 or more from commit to commit, fall below the minimum
    and come back: any two reports show no change of fewer than 3 people."""
    rng = random.Random(seed)
    states: list[list[Site]] = []
    reached = {s: rng.randint(0, 30) for s in ("a", "b", "c")}
    target = {s: rng.randint(0, 30) for s in ("a", "b", "c")}
    for _step in range(7):
        states.append([Site(s, REGIONS[i], {2025: reached[s]},
                            [(("duldung", "gestattung"), target[s])])
                       for i, s in enumerate(("a", "b", "c"))])
        for s in reached:
            reached[s] = max(0, reached[s] + rng.choice([-2, -1, 0, 1, 1, 2, 3, 5]))
            target[s] = max(0, target[s] + rng.choice([-3, -1, 0, 1, 2, 4]))
    root = tmp_path / "r"
    reports = reports_of(root, commit_states(root, states))
    assert small_changes(reports, 3) == []
    # the figures do follow the data: the last report differs from the first where the data
    # moved by at least the minimum
    first, last = states[0], states[-1]
    for old, new in zip(first, last, strict=True):
        if abs(new.reached[2025] - old.reached[2025]) >= 2 * 3 and new.reached[2025] >= 3:
            assert reports[-1]["participation_management"]["by_alliance"][new.id]["reached"][
                "2025"] != reports[0]["participation_management"]["by_alliance"][new.id][
                "reached"]["2025"]


def test_a_remembered_report_follows_the_history(tmp_path: Path) -> None:
    """The cache never changes an answer: the same files, untouched, with another history (an
    amended commit) give the report of that history, not the remembered one."""
    root = tmp_path / "r"
    commit_states(root, [[Site("a", "koeln", {2025: 40})]])
    write(root, [Site("a", "koeln", {2025: 42})])  # not committed
    time.sleep(2.2)  # files changed within 2 seconds are never remembered (gk.speed.store)
    assert gk("-C", root, "summarize")["participation_management"]["reached"] == {"2025": 40}
    assert gk("-C", root, "summarize")["participation_management"]["reached"] == {"2025": 40}
    # amend the commit to 41 through the index alone; the files in the folder stay as they are
    corrected = tmp_path / "a.yaml"
    corrected.write_text(Site("a", "koeln", {2025: 41}).yaml(), encoding="utf-8")
    blob = git(root, "hash-object", "-w", str(corrected)).strip()
    git(root, "update-index", "--cacheinfo", f"100644,{blob},alliances/a.yaml")
    git(root, "commit", "-qm", "Stand 0 korrigiert", "--amend")
    assert gk("-C", root, "summarize")["participation_management"]["reached"] == {"2025": 41}
