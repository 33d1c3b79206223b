"""The one extension mechanism: a higher app plugs into an app below it without that app
importing it (docs/architecture.md, "Extension points").

An extension is a small frozen entry (a navigation entry, a search provider, a segment
fact...). Apps register their entries in ``AppConfig.ready()`` with ``registry.add(...)``;
the app that offers the point reads them with ``registry.entries(EntryType)``. The entry
types of the core are defined here; an app offering a point of its own (the customers'
facts, sections, timeline sources and exports) defines its entry type in its own module
and registers and reads it through this same registry.

Each entry has a ``key``, unique among the entries of its type: adding an entry with a
known key replaces it in place (``ready()`` may run more than once), and an ``order``:
entries are read by order, then in registration order (the order of ``INSTALLED_APPS``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.functional import _StrOrPromise

    from .actor import Actor


class Extension(Protocol):
    @property
    def key(self) -> Hashable: ...

    @property
    def order(self) -> int: ...


E = TypeVar("E", bound=Extension)
ActorTest = Callable[["Actor"], bool]


# --- the core's points ---------------------------------------------------------------
@dataclass(frozen=True)
class NavEntry:
    """An entry of the top navigation, shown when ``allowed(actor)``."""

    label: _StrOrPromise  # a lazy translation
    url_name: str
    icon: str
    allowed: ActorTest
    order: int = 100

    @property
    def key(self) -> str:
        return self.url_name


@dataclass(frozen=True)
class SearchHit:
    kind: str
    label: str
    detail: str
    url: str


SEARCH_COUNT_CAP = 1000  # "1000+ more": counting further would cost without telling more


@dataclass(frozen=True)
class SearchResults:
    """One provider's answer: the first hits, and how many match in all (up to the cap)."""

    hits: list[SearchHit]
    total: int = 0

    @classmethod
    def of(cls, rows: QuerySet, limit: int, hit: Callable[[Any], SearchHit]) -> SearchResults:
        """The first ``limit`` rows as hits, and how many match in all."""
        found = list(rows[:limit])
        return cls([hit(row) for row in found], cls.total_of(rows, found, limit))

    @staticmethod
    def total_of(rows: QuerySet, found: list, limit: int) -> int:
        """How many ``rows`` match, ``found`` being their first ``limit``: counted by the
        database only when the first page is full (as you type, it rarely is)."""
        return len(found) if len(found) < limit else rows[:SEARCH_COUNT_CAP].count()

    @property
    def more(self) -> int:
        return max(self.total - len(self.hits), 0)


@dataclass(frozen=True)
class SearchProvider:
    """The global search (Ctrl+K, the header box): ``search(query, actor, limit)`` answers
    ``SearchResults``; ``exact_match(query, actor)`` answers the URL a scanned barcode,
    card or order number opens (what Enter opens), or ``None``."""

    name: str
    search: Callable[[str, Actor, int], SearchResults]
    exact_match: Callable[[str, Actor], str | None] | None = None
    order: int = 100
    # The URL of the app's own list for a query (``?q=``), where "N more" leads.
    list_url: Callable[[str], str] | None = None

    @property
    def key(self) -> str:
        return self.name


def list_url(url_name: str, parameter: str = "q") -> Callable[[str], str]:
    """A ``SearchProvider.list_url``: the named page with the query as ``parameter``."""
    from django.urls import reverse
    from django.utils.http import urlencode

    return lambda query: f"{reverse(url_name)}?{urlencode({parameter: query})}"


@dataclass(frozen=True)
class DashboardPanel:
    """A panel of the dashboard: ``template`` rendered with ``context(actor)``."""

    template: str
    context: Callable[[Actor], dict[str, Any]]
    allowed: ActorTest
    order: int = 100

    @property
    def key(self) -> str:
        return self.template


@dataclass(frozen=True)
class ProductAction:
    """A button of the product page, for an app above inventory: ``link(sku, actor,
    available_here)`` answers its URL, or ``None`` when it does not apply (``available_here``:
    what the actor's own locations can promise of it)."""

    name: str
    label: _StrOrPromise
    icon: str
    link: Callable[[str, Actor, int], str | None]
    order: int = 100

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class Seeder:
    """A step of ``manage.py seed_demo``: ``seed(stdout)`` writes one summary line."""

    name: str
    seed: Callable[[IO[str] | None], None]
    order: int = 100

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class ApiLink:
    """A collection listed at ``GET /api/v1/``: its name there and its URL name."""

    name: str
    url_name: str
    order: int = 100

    @property
    def key(self) -> str:
        return self.name


# --- the registry ----------------------------------------------------------------------
class Registry:
    def __init__(self) -> None:
        self._entries: dict[type, dict[Hashable, Extension]] = {}

    def add(self, *entries: Extension) -> None:
        for entry in entries:
            self._entries.setdefault(type(entry), {})[entry.key] = entry

    def remove(self, kind: type[Extension], key: Hashable) -> None:
        self._entries.get(kind, {}).pop(key, None)

    def get(self, kind: type[E], key: Hashable) -> E | None:
        return cast("E | None", self._entries.get(kind, {}).get(key))

    def entries(self, kind: type[E]) -> list[E]:
        known = cast("list[E]", list(self._entries.get(kind, {}).values()))
        return sorted(known, key=lambda entry: entry.order)  # stable: registration order within an order


registry = Registry()
