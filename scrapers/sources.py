"""Sources as configuration: read a ``sources.yml`` file into validated source entries.

Each entry names a ``kind`` (the spider that knows the source's format) and that kind's own keys,
for example ``{kind: greenhouse, board: anthropic}``. Every kind accepts ``api_base`` (or ``url``)
to point the same spider at another host, and ``delay`` / ``concurrency`` to override politeness
for that source's host.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

COMMON_KEYS = frozenset(
    {
        "kind",
        "name",
        "api_base",
        "url",
        "delay",
        "concurrency",
        "max_requests",
        "enabled",
        "company",
        "schedule",
        "seen",
    }
)


class SourceConfigError(ValueError):
    """A sources file or one of its entries is not valid; the message names the entry."""


@dataclass(frozen=True)
class SourceEntry:
    """One validated entry of a sources file."""

    kind: str
    key: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def delay(self) -> float | None:
        """Seconds between requests to this source's host, when the entry overrides it."""
        value = self.options.get("delay")
        return None if value is None else float(value)

    @property
    def concurrency(self) -> int | None:
        """Requests in flight to this source's host, when the entry overrides it."""
        value = self.options.get("concurrency")
        return None if value is None else int(value)

    @property
    def slug(self) -> str:
        """The key made safe for file names: the name of its landing folder."""
        from scrapers.landing import source_folder_name

        return source_folder_name(self.key)


def _spider_classes() -> dict[str, Any]:
    from scrapers.spiders import SPIDERS

    return SPIDERS


def parse_entry(
    raw: Any, position: int, substitutions: dict[str, str] | None = None
) -> SourceEntry:
    """Validate one raw entry (a mapping) against the spider of its kind."""
    if not isinstance(raw, dict):
        raise SourceConfigError(f"source #{position}: expected a mapping, got {raw!r}")
    options = dict(raw)
    for name, value in list(options.items()):
        if isinstance(value, str) and substitutions:
            for placeholder, replacement in substitutions.items():
                value = value.replace("{" + placeholder + "}", replacement)
            options[name] = value
    kind = options.get("kind")
    spiders = _spider_classes()
    if kind not in spiders:
        known = ", ".join(sorted(spiders))
        raise SourceConfigError(
            f"source #{position} ({raw!r}): unknown kind {kind!r}; known: {known}"
        )
    spider_cls = spiders[kind]
    try:
        key = spider_cls.validate_options(options)
    except (KeyError, ValueError, TypeError) as error:
        raise SourceConfigError(f"source #{position} ({kind}): {error}") from error
    for number_key in ("delay", "concurrency", "max_requests"):
        if number_key in options:
            try:
                value = float(options[number_key])
            except (TypeError, ValueError):
                raise SourceConfigError(
                    f"source #{position} ({key}): {number_key} must be a number"
                ) from None
            if value < 0 or (number_key != "delay" and value < 1):
                raise SourceConfigError(f"source #{position} ({key}): {number_key} out of range")
    from scrapers.schedule import ScheduleError, parse_schedule

    try:
        parse_schedule(options.get("schedule"))
    except ScheduleError as error:
        raise SourceConfigError(f"source #{position} ({key}): {error}") from None
    if options.get("name"):
        key = f"{kind}:{options['name']}"
    return SourceEntry(kind=kind, key=key, options=options)


def load_sources(path: Path, substitutions: dict[str, str] | None = None) -> list[SourceEntry]:
    """Read and validate a sources file and the catalogues it includes.

    Entries with ``enabled: false`` are left out. A top-level ``include:`` lists further files
    of the same shape (paths relative to the including file), read after its own entries; a
    key listed twice anywhere is an error naming both places.
    """
    entries: list[SourceEntry] = []
    seen: dict[str, str] = {}
    for origin, position, raw in _raw_entries(Path(path), ()):
        if isinstance(raw, dict) and raw.get("enabled") is False:
            continue
        try:
            entry = parse_entry(raw, position, substitutions)
        except SourceConfigError as error:
            if origin == Path(path):
                raise
            raise SourceConfigError(f"{origin}: {error}") from None
        where = f"{origin}: source #{position}"
        if entry.key in seen:
            raise SourceConfigError(
                f"{where}: {entry.key} is listed twice (give one a `name`), also at "
                f"{seen[entry.key]}"
            )
        seen[entry.key] = where
        entries.append(entry)
    return entries


def _raw_entries(path: Path, including: tuple[Path, ...]) -> Iterator[tuple[Path, int, Any]]:
    """Every raw entry of a sources file, then of the files it includes, in order."""
    document = _read_document(path, including)
    yield from ((path, position, raw) for position, raw in enumerate(document["sources"], 1))
    includes = document.get("include") or []
    if isinstance(includes, str):
        includes = [includes]
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise SourceConfigError(f"{path}: 'include:' must be a list of file paths")
    for name in includes:
        included = (path.parent / name).resolve()
        if included in {*including, path.resolve()}:
            raise SourceConfigError(f"{path}: including {name} would include it again (a loop)")
        yield from _raw_entries(included, (*including, path.resolve()))


def _read_document(path: Path, including: tuple[Path, ...]) -> dict[str, Any]:
    """One sources file's YAML document, checked for its ``sources:`` list."""
    named = f"{path} (included by {including[-1]})" if including else str(path)
    try:
        # libyaml's loader when it is there: a catalogue of 10,000 boards parses in a second.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise SourceConfigError(f"sources file not found: {named}") from None
    except yaml.YAMLError as error:
        raise SourceConfigError(f"{named}: not valid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise SourceConfigError(f"{named}: expected a top-level 'sources:' list")
    return document


def format_entry(options: dict[str, Any]) -> str:
    """One entry as a single YAML flow-mapping line, ``kind`` first."""
    ordered = {"kind": options["kind"], **{k: v for k, v in options.items() if k != "kind"}}
    return (
        yaml.safe_dump([ordered], default_flow_style=None, sort_keys=False, width=1000)
        .strip()
        .removeprefix("- ")
        .join(("  - ", "\n"))
    )


def append_entry(path: Path, options: dict[str, Any]) -> SourceEntry:
    """Add an entry at the end of a sources file, keeping its comments; refuse a duplicate.

    The file is re-read and validated with the new entry before anything is written.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "sources:\n"
    existing = load_sources(path) if path.exists() else []
    entry = parse_entry(options, len(existing) + 1)
    if any(known.key == entry.key for known in existing):
        raise SourceConfigError(f"{path}: {entry.key} is already listed")
    if not text.endswith("\n"):
        text += "\n"
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text + format_entry(options), encoding="utf-8")
    load_sources(temporary)  # the whole file must still be valid
    temporary.replace(path)
    return entry
