"""The two flags of the Hanoi rule derived from standard data, for any dyad and year.

A derivation is a rule with its parameters, and a source of its own: its key names the rule
(`derived-rival-vdem-0.15`), so its flags never stand in for the hand-coded alignments.

- **Shared security** (the enemy of my enemy): both states have a strategic rivalry in force
  that year with one and the same third state. Outside the rivalry data's years: unknown.
- **Shared ideology**, by one of the rules in IDEOLOGY: by default both states have a V-Dem
  polyarchy score that year and they differ by at most 0.15; a Polity2 band; or both
  democracies or both autocracies at a threshold. A missing score (or a year outside the
  regime data) is unknown. With `ideological_rivalry`, an ideological rivalry between the two
  states in force that year means no shared values, whatever the scores.

Computed when asked, from the stored scores and rivalries (a few hundred thousand dyad-years a
second), never stored: no spell table to keep in step with a re-import.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from alliancekb.analysis.rules import Coverage, coverages
from alliancekb.database.models import RegimeScore, Rivalry, Source, State
from alliancekb.errors import InvalidInput, NotFound


class IdeologyRule(NamedTuple):
    measure: str
    """The column of `regime_scores` (and the files' name, for messages)."""
    column: str
    kind: str
    """`band` (scores within the parameter) or `regime` (both on one side of it)."""
    default: float
    text: str


IDEOLOGY = {
    "vdem": IdeologyRule(
        "polyarchy", "v2x_polyarchy", "band", 0.15, "V-Dem polyarchy scores within {p}"
    ),
    "polity": IdeologyRule("polity2", "polity2", "band", 3, "Polity2 scores within {p}"),
    "vdem-regime": IdeologyRule(
        "polyarchy",
        "v2x_polyarchy",
        "regime",
        0.5,
        "both democracies (V-Dem polyarchy >= {p}) or both autocracies (< {p})",
    ),
    "polity-regime": IdeologyRule(
        "polity2",
        "polity2",
        "regime",
        6,
        "both democracies (Polity2 >= {p}) or both autocracies (<= -{p})",
    ),
}
DEFAULT_IDEOLOGY = "vdem:0.15"
IDEOLOGICAL = "ideological"


@dataclass(frozen=True)
class Derivation:
    """A rule for the two flags, its parameters, and the sources of scores and rivalries."""

    ideology: str
    parameter: float
    ideological_rivalry: bool
    regimes: str
    rivalries: str

    @property
    def rule(self) -> IdeologyRule:
        return IDEOLOGY[self.ideology]

    @property
    def key(self) -> str:
        """The derived source's key: it names the rule and its parameter."""
        extra = "-idrival" if self.ideological_rivalry else ""
        return f"derived-rival-{self.ideology}-{self.parameter:g}{extra}"

    def describe(self) -> str:
        values = self.rule.text.format(p=f"{self.parameter:g}")
        extra = (
            "; an ideological rivalry between them: no shared values"
            if (self.ideological_rivalry)
            else ""
        )
        return (
            f"{self.key}: shared security = a strategic rival in common ({self.rivalries}); "
            f"shared ideology = {values} ({self.regimes}){extra}"
        )


def parse_ideology(text: str) -> tuple[str, float]:
    """`vdem:0.15`, `polity:3`, `vdem-regime:0.5`, `polity-regime:6` (a rule alone takes its
    default parameter)."""
    name, _, number = text.partition(":")
    rule = IDEOLOGY.get(name.strip().lower())
    if rule is None:
        choices = ", ".join(f"{n}:{r.default:g}" for n, r in IDEOLOGY.items())
        raise InvalidInput(f"unknown ideology rule '{text}': choose one of {choices}")
    if not number.strip():
        return name.strip().lower(), rule.default
    try:
        value = float(number)
    except ValueError:
        raise InvalidInput(
            f"ideology rule '{text}': '{number}' is not a number (e.g. {name}:{rule.default:g})"
        ) from None
    top = 1.0 if rule.measure == "polyarchy" else 20.0
    if not 0 <= value <= top:
        raise InvalidInput(f"ideology rule '{text}': {number} is out of range (0 to {top:g})")
    return name.strip().lower(), value


def _one_source(
    session: Session,
    model: type[RegimeScore] | type[Rivalry],
    wanted: str | None,
    what: str,
    has: object,
    hint: str,
    option: str,
) -> str:
    query = select(Source.key).join(model, model.source_id == Source.id)
    if has is not None:
        query = query.where(has)  # type: ignore[arg-type]
    keys = sorted(set(session.scalars(query.group_by(Source.key))))
    if wanted is not None:
        if wanted not in keys:
            known = ", ".join(keys) or "none imported"
            raise NotFound(f"no {what} in source '{wanted}' (sources with them: {known})")
        return wanted
    if not keys:
        raise InvalidInput(f"no {what} are imported: {hint}")
    if len(keys) > 1:
        raise InvalidInput(
            f"several sources of {what} ({', '.join(keys)}): choose one as the {option} source "
            f"(`--{option} KEY`)"
        )
    return keys[0]


def derivation(
    session: Session,
    ideology: str = DEFAULT_IDEOLOGY,
    ideological_rivalry: bool = False,
    regimes: str | None = None,
    rivalries: str | None = None,
) -> Derivation:
    """The derivation asked for, with its sources checked (the only one imported by default)."""
    name, parameter = parse_ideology(ideology)
    rule = IDEOLOGY[name]
    column = getattr(RegimeScore, rule.measure)
    regime_key = _one_source(
        session,
        RegimeScore,
        regimes,
        f"regime scores with {rule.column}",
        column.is_not(None),
        "import them with `alliancekb import regimes PATH` (cw_democracy.csv, V-Dem or Polity5)",
        "regimes",
    )
    rivalry_key = _one_source(
        session,
        Rivalry,
        rivalries,
        "rivalries",
        None,
        "import them with `alliancekb import rivalries PATH` (td_rivalries.csv)",
        "rivalries",
    )
    return Derivation(name, parameter, ideological_rivalry, regime_key, rivalry_key)


class Flags:
    """The derivation's two flags for any undirected dyad and year, from data read once."""

    def __init__(self, session: Session, rule: Derivation) -> None:
        self.rule = rule
        cov = coverages(session, [rule.regimes, rule.rivalries])
        self.regime_cov: Coverage = cov[rule.regimes]
        self.rivalry_cov: Coverage = cov[rule.rivalries]
        measure = getattr(RegimeScore, rule.rule.measure)
        self.scores: dict[int, dict[int, float]] = defaultdict(dict)
        for ccode, year, score in session.execute(
            select(State.ccode, RegimeScore.year, measure)
            .join(State, State.id == RegimeScore.state_id)
            .join(Source, Source.id == RegimeScore.source_id)
            .where(Source.key == rule.regimes, measure.is_not(None))
        ):
            self.scores[ccode][year] = score
        a, b = aliased(State), aliased(State)
        rivals: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        self.ideological: dict[tuple[int, int], set[int]] = defaultdict(set)
        for c1, c2, first, last, types in session.execute(
            select(a.ccode, b.ccode, Rivalry.first_year, Rivalry.last_year, Rivalry.types)
            .join(a, a.id == Rivalry.state_a_id)
            .join(b, b.id == Rivalry.state_b_id)
            .join(Source, Source.id == Rivalry.source_id)
            .where(Source.key == rule.rivalries)
        ):
            rivals[c1].append((c2, first, last))
            rivals[c2].append((c1, first, last))
            if IDEOLOGICAL in types.split(","):
                self.ideological[min(c1, c2), max(c1, c2)].update(range(first, last + 1))
        self.common = common_rival_years(rivals)
        self._empty: dict[int, float] = {}

    def security(self, c1: int, c2: int, year: int) -> bool | None:
        if not self.rivalry_cov.covers_year(year):
            return None
        return year in self.common.get((c1, c2), ())

    def ideology(self, c1: int, c2: int, year: int) -> bool | None:
        if self.rule.ideological_rivalry and year in self.ideological.get((c1, c2), ()):
            return False
        if not self.regime_cov.covers_year(year):
            return None
        s1 = self.scores.get(c1, self._empty).get(year)
        s2 = self.scores.get(c2, self._empty).get(year)
        if s1 is None or s2 is None:
            return None
        return shared_values(self.rule, s1, s2)


def shared_values(rule: Derivation, s1: float, s2: float) -> bool:
    """The ideology rule on two known scores."""
    p = rule.parameter
    if rule.rule.kind == "band":
        return abs(s1 - s2) <= p + 1e-9  # scores are given to 3 decimals: 0.15 is 0.15
    if rule.rule.measure == "polyarchy":  # one threshold: a democracy at or above it
        return (s1 >= p) == (s2 >= p)
    return (s1 >= p and s2 >= p) or (s1 <= -p and s2 <= -p)  # anocracies share nothing


def common_rival_years(
    rivals: dict[int, list[tuple[int, int, int]]],
) -> dict[tuple[int, int], set[int]]:
    """For each dyad (c1 < c2) the years both have a rivalry in force with one third state."""
    common: dict[tuple[int, int], set[int]] = defaultdict(set)
    by_rival: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for state, spells in rivals.items():
        for rival, first, last in spells:
            by_rival[rival].append((state, first, last))
    for third, spells in by_rival.items():
        for i, (s1, f1, l1) in enumerate(spells):
            for s2, f2, l2 in spells[i + 1 :]:
                if s1 == s2 or third in (s1, s2):
                    continue
                first, last = max(f1, f2), min(l1, l2)
                if first <= last:
                    common[min(s1, s2), max(s1, s2)].update(range(first, last + 1))
    return dict(common)
