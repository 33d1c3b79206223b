"""Extension points that let higher apps plug into the core without the core importing
them: navigation entries, global-search providers, dashboard panels and demo seeders.

Apps register in their ``AppConfig.ready()``; the core only iterates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavEntry:
    label: str  # a lazy translation
    url_name: str
    icon: str
    allowed: Callable  # (actor) -> bool
    order: int = 100


@dataclass(frozen=True)
class SearchHit:
    kind: str
    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class DashboardPanel:
    template: str
    context: Callable  # (actor) -> dict
    allowed: Callable  # (actor) -> bool
    order: int = 100


@dataclass
class Registry:
    nav: list[NavEntry] = field(default_factory=list)
    # (query, actor, limit) -> list[SearchHit]; exact_match(query, actor) -> url | None
    search: list[Callable] = field(default_factory=list)
    exact_match: list[Callable] = field(default_factory=list)
    panels: list[DashboardPanel] = field(default_factory=list)
    # (stdout) -> None, run in registration order by ``seed_demo``.
    seeders: list[tuple[str, Callable]] = field(default_factory=list)

    def add_nav(self, entry: NavEntry) -> None:
        if entry.url_name not in {e.url_name for e in self.nav}:
            self.nav.append(entry)
            self.nav.sort(key=lambda e: e.order)

    def add_panel(self, panel: DashboardPanel) -> None:
        if panel.template not in {p.template for p in self.panels}:
            self.panels.append(panel)
            self.panels.sort(key=lambda p: p.order)

    def add_search(self, provider: Callable, exact_match: Callable | None = None) -> None:
        if provider not in self.search:
            self.search.append(provider)
        if exact_match and exact_match not in self.exact_match:
            self.exact_match.append(exact_match)

    def add_seeder(self, name: str, seeder: Callable) -> None:
        if name not in {n for n, _ in self.seeders}:
            self.seeders.append((name, seeder))


registry = Registry()
