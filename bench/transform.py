"""Transform stage: ``dbt build`` on a SYNTHETIC year of raw data, full and after one more night.

The raw year is written straight into ``raw.crawl_runs``, ``raw.posting_versions`` and
``raw.sightings`` (the loader's own schema, :mod:`warehouse.schema`) by DuckDB SQL
(``range``, ``generate_series``, ``hash``, ``json_object``, ``sha256``), not by Python loops:

* ``postings`` distinct postings (1,000,000 for ``--size large``, a 100,000 slice for small) on
  ``boards`` boards over 365 nightly runs per board, each posting open for an exponentially
  distributed number of nights, tuned so that ``open_per_night`` (30,000; 3,000 for small) are
  open on any night: about 11 sightings per posting, ~11 million sightings for large;
* about 12% of postings change once while open (a second version, a new content hash);
* 1% of runs fail (no sightings), 1% are partial, a run with nothing open is ``empty``;
* every payload has its source's JSON shape (Greenhouse, Lever, Ashby, Hacker News: 15% of
  postings on one ``hackernews:default`` source) with a description from a pool of SYNTHETIC
  descriptions (:mod:`bench.corpus`), made unique per posting by its title line and id.

The timing hook is :func:`measure`: given that file it runs ``dbt build`` through
``warehouse.pipeline.transform`` in a child process (peak RSS from ``wait4``), adds one more
night (the 366th) as a nightly load would, and runs ``dbt build`` again. When dbt fails the row
reports the failure (value null) and the bench goes on.

The baseline is a lower bound of the work: one ``create table ... as select`` that joins every
sighting to its posting version and groups by posting (first and last seen, times seen, the
latest payload), the core of what the marts compute, with no parsing of payloads, no cleaning,
no tests. A dbt build cannot be faster than that scan, so its ratio is below 1 and
says how many times the lower bound the build costs.

Run as a child: ``python -m bench.transform generate|nightly|dbt|baseline --db FILE --out FILE
--work DIR``.
"""

from __future__ import annotations

import argparse
import inspect
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpus import DEFAULT_FIXTURES, CorpusGenerator
from bench.proc import child_env, run_child, write_report
from bench.report import Row

logger = logging.getLogger(__name__)

ATS_POOL, HN_POOL = 1600, 400
YEAR_START = "2026-01-01 01:00:00+00"


@dataclass(frozen=True)
class YearShape:
    """The size of a synthetic raw year."""

    postings: int
    open_per_night: int
    boards: int
    nights: int = 365
    seed: int = 20261127

    @property
    def lead(self) -> int:
        """Nights before the year in which postings already open on night 0 started."""
        return max(1, round(self.mean_life))

    @property
    def mean_life(self) -> float:
        """Mean nights a posting stays open, so that ``open_per_night`` are open each night."""
        return self.open_per_night * (self.nights + 12) / self.postings


SMALL = YearShape(postings=100_000, open_per_night=3_000, boards=60)
LARGE = YearShape(postings=1_000_000, open_per_night=30_000, boards=600)


def _setup(connection: Any, shape: YearShape, fixtures_dir: Path) -> None:
    """Pools, boards, postings, versions and runs as helper tables in ``bench_synthetic``."""
    import pyarrow as pa

    generator = CorpusGenerator(shape.seed, fixtures_dir=fixtures_dir)
    pools = generator.pools
    import html as html_module

    descriptions = []
    for group, kind, size in (("ats", "greenhouse", ATS_POOL), ("hn", "hackernews", HN_POOL)):
        for number, description in enumerate(generator.iter_descriptions(size, kind)):
            descriptions.append(
                (
                    group,
                    number,
                    description.text,
                    description.html,
                    html_module.escape(description.html),
                )
            )
    connection.execute("create schema if not exists bench_synthetic")
    pool_table = pa.table(
        {
            "titles": [pools.titles],
            "companies": [pools.companies],
            "locations": [pools.locations],
            "departments": [pools.departments],
            "employment_types": [pools.employment_types],
        }
    )
    description_table = pa.table(
        {
            "grp": [d[0] for d in descriptions],
            "d": [d[1] for d in descriptions],
            "text": [d[2] for d in descriptions],
            "html": [d[3] for d in descriptions],
            "html_escaped": [d[4] for d in descriptions],
        }
    )
    connection.register("pool_arrow", pool_table)
    connection.register("description_arrow", description_table)
    connection.execute("create or replace table bench_synthetic.pools as select * from pool_arrow")
    connection.execute(
        "create or replace table bench_synthetic.descriptions as select * from description_arrow"
    )
    connection.unregister("pool_arrow")
    connection.unregister("description_arrow")
    parameters = {"seed": shape.seed, "boards": shape.boards}
    connection.execute(
        """
        create or replace table bench_synthetic.boards as
        with numbered as (
            select
                range as board_number,
                case
                    when range = 0 then 'hackernews'
                    when hash(range, $seed) % 85 < 55 then 'greenhouse'
                    when hash(range, $seed) % 85 < 70 then 'lever'
                    else 'ashby'
                end as kind,
                pools.companies[1 + range % len(pools.companies)] as company_name
            from range($boards), bench_synthetic.pools as pools
        )
        select
            board_number,
            kind,
            company_name,
            case when kind = 'hackernews' then 'default'
                else lower(regexp_replace(company_name, '[^A-Za-z0-9]', '', 'g')) || board_number
            end as board,
            kind || ':' || board as source_key
        from numbered
    """,
        parameters,
    )
    connection.execute(
        """
        create or replace table bench_synthetic.postings as
        with numbered as (
            select
                range as posting_number,
                hash(range, $seed + 1) as h1,
                hash(range, $seed + 2) as h2,
                hash(range, $seed + 3) as h3,
                hash(range, $seed + 4) as h4,
                hash(range, $seed + 5) as h5
            from range($postings)
        ),

        shaped as (
            select
                posting_number,
                case when h1 % 100 < 15 then 0 else 1 + (h1 // 100) % ($boards - 1) end
                    as board_number,
                cast((h2 % (($nights + 1 + $lead) * 1000)) // 1000 as integer) - $lead
                    as start_night,
                cast(greatest(1, ceil(-($mean_life - 0.5)
                    * ln(((h3 % 1000000) + 1) / 1000001.0))) as integer) as lifetime,
                h4,
                h5
            from numbered
        ),

        clipped as (
            select
                *,
                least($nights, greatest(0, start_night + lifetime - 1)) as last_night
            from shaped
        )

        select
            clipped.posting_number,
            clipped.board_number,
            least(greatest(0, clipped.start_night), clipped.last_night) as first_night,
            clipped.last_night,
            case
                when clipped.h4 % 100 < 12
                    and clipped.last_night > greatest(0, clipped.start_night)
                    then greatest(0, clipped.start_night) + 1
                        + cast((clipped.h4 // 100)
                            % (clipped.last_night - greatest(0, clipped.start_night)) as integer)
            end as change_night,
            clipped.h5,
            boards.kind,
            boards.source_key,
            case boards.kind
                when 'greenhouse'
                    then cast((4000000 + clipped.posting_number) * 1000 + 8 as varchar)
                when 'hackernews' then cast(40000000 + clipped.posting_number as varchar)
                else substr(md5(clipped.posting_number || '/' || $seed), 1, 8) || '-'
                    || substr(md5(clipped.posting_number || '/' || $seed), 9, 4) || '-4'
                    || substr(md5(clipped.posting_number || '/' || $seed), 14, 3) || '-a'
                    || substr(md5(clipped.posting_number || '/' || $seed), 18, 3) || '-'
                    || substr(md5(clipped.posting_number || '/' || $seed), 21, 12)
            end as source_posting_id
        from clipped
        inner join bench_synthetic.boards as boards
            on clipped.board_number = boards.board_number
    """,
        {
            **parameters,
            "postings": shape.postings,
            "nights": shape.nights,
            "lead": shape.lead,
            "mean_life": shape.mean_life,
        },
    )
    connection.execute("""
        create or replace table bench_synthetic.versions as
        select posting_number, 1 as version_number, first_night as from_night
        from bench_synthetic.postings
        union all
        select posting_number, 2 as version_number, change_night as from_night
        from bench_synthetic.postings
        where change_night is not null
    """)
    connection.execute(
        """
        create or replace table bench_synthetic.runs as
        with grid as (
            select
                boards.board_number,
                boards.source_key,
                nights.range as night,
                timestamptz '2026-01-01 01:00:00+00' + to_days(cast(nights.range as integer))
                    + to_seconds(boards.board_number * 3) as started_at,
                hash(boards.board_number, nights.range, $seed) % 1000 as h
            from bench_synthetic.boards as boards
            cross join range($nights + 1) as nights
        )
        select
            strftime(started_at, '%Y%m%dT%H%M%S') || '-' || replace(source_key, ':', '_') || '-'
                || substr(md5(board_number || '/' || night), 1, 8) as crawl_run_id,
            board_number,
            source_key,
            night,
            started_at,
            started_at + to_seconds(20 + cast(h % 300 as integer)) as finished_at,
            case when h < 10 then 'failed' when h < 20 then 'partial' else 'succeeded' end
                as status
        from grid
    """,
        {"seed": shape.seed, "nights": shape.nights},
    )


_INSERT_VERSIONS = """
insert into raw.posting_versions by name
with chosen as (
    select
        postings.*,
        versions.version_number,
        runs.crawl_run_id as first_crawl_run_id,
        runs.started_at as run_started_at,
        runs.finished_at as run_finished_at,
        case when postings.kind = 'hackernews' then 'hn' else 'ats' end as grp,
        cast(postings.h5 % (case when postings.kind = 'hackernews' then $hn_pool
            else $ats_pool end) as integer) as description_number
    from bench_synthetic.versions as versions
    inner join bench_synthetic.postings as postings
        on versions.posting_number = postings.posting_number
    inner join bench_synthetic.runs as runs
        on postings.board_number = runs.board_number and versions.from_night = runs.night
    where versions.from_night between $low and $high
),

filled as (
    select
        chosen.*,
        boards.board,
        pools.titles[1 + cast(chosen.h5 % len(pools.titles) as integer)] as title,
        case when chosen.kind = 'hackernews'
            then pools.companies[1 + cast((chosen.h5 // 7) % len(pools.companies) as integer)]
            else boards.company_name end as company_name,
        pools.locations[1 + cast((chosen.h5 // 11) % len(pools.locations) as integer)]
            as location,
        case when (chosen.h5 // 13) % 10 < 6
            then pools.departments[1 + cast((chosen.h5 // 17) % len(pools.departments) as integer)]
        end as department,
        case when (chosen.h5 // 19) % 10 < 5
            then pools.employment_types[
                1 + cast((chosen.h5 // 23) % len(pools.employment_types) as integer)]
        end as employment_type,
        ['Remote', 'Hybrid', 'On-site', null][1 + cast((chosen.h5 // 29) % 4 as integer)]
            as workplace,
        chosen.run_started_at - to_days(cast((chosen.h5 // 31) % 30 as integer)) as posted,
        descriptions.text,
        descriptions.html,
        descriptions.html_escaped,
        case when chosen.version_number = 2 then ' (updated)' else '' end as edit
    from chosen
    cross join bench_synthetic.pools as pools
    inner join bench_synthetic.boards as boards on chosen.board_number = boards.board_number
    inner join bench_synthetic.descriptions as descriptions
        on chosen.grp = descriptions.grp and chosen.description_number = descriptions.d
),

shaped as (
    select
        *,
        title || edit || ' - ' || company_name || ' - ' || source_posting_id as headline,
        case kind
            when 'greenhouse' then 'https://job-boards.greenhouse.io/' || board || '/jobs/'
                || source_posting_id
            when 'lever' then 'https://jobs.lever.co/' || board || '/' || source_posting_id
            when 'ashby' then 'https://jobs.ashbyhq.com/' || board || '/' || source_posting_id
            else 'https://news.ycombinator.com/item?id=' || source_posting_id
        end as url
    from filled
),

described as (
    select
        *,
        case kind
            when 'hackernews' then company_name || ' | ' || title || ' | ' || location || '<p>'
                || html || edit
            when 'greenhouse' then '&lt;h2&gt;' || headline || '&lt;/h2&gt;' || html_escaped
            else '<h2>' || headline || '</h2>' || html
        end as description,
        case kind when 'hackernews' then company_name || ' | ' || title || ' | ' || location
            || chr(10) || text || edit
            else headline || chr(10) || text end as description_text
    from shaped
),

with_payload as (
    select
        *,
        cast(case kind
            when 'greenhouse' then json_object(
                'absolute_url', url,
                'internal_job_id', 4000000000 + posting_number,
                'location', json_object('name', location),
                'metadata', case when workplace is null then json('[]') else json_array(
                    json_object('id', 4036944008, 'name', 'Location Type', 'value', workplace,
                                'value_type', 'single_select')) end,
                'id', cast(source_posting_id as bigint),
                'updated_at', strftime(run_started_at, '%Y-%m-%dT%H:%M:%S+00:00'),
                'requisition_id', cast(100000 + posting_number as varchar),
                'title', title,
                'company_name', company_name,
                'first_published', strftime(posted, '%Y-%m-%dT%H:%M:%S+00:00'),
                'language', 'en',
                'application_deadline', null,
                'content', description,
                'departments', case when department is null then json('[]') else json_array(
                    json_object('id', 4002063008, 'name', department, 'child_ids', json('[]'),
                                'parent_id', null)) end)
            when 'lever' then json_object(
                'id', source_posting_id,
                'text', title,
                'categories', json_object('commitment', employment_type, 'department', department,
                                          'location', location, 'team', department,
                                          'allLocations', json_array(location)),
                'createdAt', epoch_ms(posted),
                'workplaceType', lower(replace(coalesce(workplace, 'unspecified'), '-', '')),
                'hostedUrl', url,
                'applyUrl', url || '/apply',
                'description', description,
                'descriptionPlain', description_text,
                'lists', json('[]'),
                'additional', '')
            when 'ashby' then json_object(
                'id', source_posting_id,
                'title', title,
                'department', department,
                'team', department,
                'employmentType', coalesce(employment_type, 'FullTime'),
                'location', location,
                'publishedAt', strftime(posted, '%Y-%m-%dT%H:%M:%S.%g+00:00'),
                'isListed', true,
                'isRemote', workplace = 'Remote',
                'workplaceType', replace(coalesce(workplace, 'OnSite'), '-', ''),
                'jobUrl', url,
                'applyUrl', url || '/application',
                'descriptionHtml', description,
                'descriptionPlain', description_text)
            else json_object(
                'author', 'u' || posting_number,
                'comment_text', description,
                'created_at', strftime(posted, '%Y-%m-%dT%H:%M:%SZ'),
                'created_at_i', cast(epoch(posted) as bigint),
                'objectID', source_posting_id,
                'parent_id', 47975571,
                'story_id', 47975571,
                'story_title', 'Ask HN: Who is hiring?',
                'updated_at', strftime(run_started_at, '%Y-%m-%dT%H:%M:%SZ'))
        end as varchar) as payload
    from described
)

select
    source_key,
    source_posting_id,
    sha256(payload) as content_hash,
    kind as source_kind,
    first_crawl_run_id,
    run_started_at + to_seconds(cast(posting_number % 600 as integer)) as first_fetched_at,
    url,
    payload,
    'json' as payload_format,
    case when kind = 'hackernews' then '{}'
        else cast(json_object('company', company_name) as varchar) end as source_context,
    first_crawl_run_id || '.jsonl' as _source_file,
    run_finished_at + interval 1 hour as _loaded_at
from with_payload
"""

_VERSION_HASHES = """
create or replace table bench_synthetic.version_hashes as
select
    versions.source_key,
    versions.source_posting_id,
    versions.content_hash,
    runs.night as from_night
from raw.posting_versions as versions
inner join bench_synthetic.runs as runs on versions.first_crawl_run_id = runs.crawl_run_id
"""

_INSERT_SIGHTINGS = """
insert into raw.sightings by name
with nights as (
    select
        posting_number,
        board_number,
        source_key,
        source_posting_id,
        first_night,
        change_night,
        unnest(generate_series(greatest(first_night, $low), least(last_night, $high))) as night
    from bench_synthetic.postings
    where first_night <= $high and last_night >= $low
)

select
    runs.crawl_run_id,
    nights.source_key,
    nights.source_posting_id,
    hashes.content_hash,
    runs.started_at + to_milliseconds(cast(20 * (nights.posting_number % 5000) as bigint))
        as seen_at
from nights
inner join bench_synthetic.runs as runs
    on nights.board_number = runs.board_number and nights.night = runs.night
inner join bench_synthetic.version_hashes as hashes
    on nights.source_key = hashes.source_key
    and nights.source_posting_id = hashes.source_posting_id
    and hashes.from_night = case
        when nights.change_night is not null and nights.night >= nights.change_night
            then nights.change_night
        else nights.first_night
    end
where runs.status <> 'failed'
"""

_INSERT_RUNS = """
insert into raw.crawl_runs by name
with seen as (
    select sightings.crawl_run_id, count(*) as postings
    from raw.sightings as sightings
    inner join bench_synthetic.runs as runs on sightings.crawl_run_id = runs.crawl_run_id
    where runs.night between $low and $high
    group by sightings.crawl_run_id
)

select
    runs.crawl_run_id,
    runs.source_key,
    boards.kind as source_kind,
    runs.started_at,
    runs.finished_at,
    case when runs.status = 'failed' then 'error' else 'finished' end as finish_reason,
    case
        when runs.status = 'failed' then 'failed'
        when coalesce(seen.postings, 0) = 0 then 'empty'
        else runs.status
    end as status,
    1 + coalesce(seen.postings, 0) // 100 as requests,
    coalesce(seen.postings, 0) as postings,
    case when runs.status = 'succeeded' then 0 else 1 end as errors,
    case when runs.status <> 'succeeded'
        then runs.source_key || ': SYNTHETIC ' || runs.status || ' run' end as error_summary,
    cast('{"synthetic": true}' as json) as counters,
    runs.crawl_run_id || '.jsonl' as _source_file,
    runs.finished_at + interval 1 hour as _loaded_at
from bench_synthetic.runs as runs
inner join bench_synthetic.boards as boards on runs.board_number = boards.board_number
left join seen on runs.crawl_run_id = seen.crawl_run_id
where runs.night between $low and $high
"""


def insert_nights(connection: Any, low: int, high: int) -> dict[str, int]:
    """Write the raw rows of nights ``low``..``high`` as the loader would have; return counts."""
    counts: dict[str, int] = {}
    connection.begin()
    for table, statement, parameters in (
        (
            "posting_versions",
            _INSERT_VERSIONS,
            {"low": low, "high": high, "ats_pool": ATS_POOL, "hn_pool": HN_POOL},
        ),
        ("version_hashes", _VERSION_HASHES, None),
        ("sightings", _INSERT_SIGHTINGS, {"low": low, "high": high}),
        ("crawl_runs", _INSERT_RUNS, {"low": low, "high": high}),
    ):
        started = time.perf_counter()
        row = connection.execute(statement, parameters).fetchone()
        if table != "version_hashes":
            counts[table] = int(row[0]) if row else 0
        logger.info(
            "transform: nights %d-%d: %s written in %.1f s",
            low,
            high,
            table,
            time.perf_counter() - started,
        )
    connection.commit()
    return counts


def generate_raw_year(
    database: Path, shape: YearShape, fixtures_dir: Path = DEFAULT_FIXTURES
) -> dict[str, int]:
    """Write ``shape.nights`` SYNTHETIC nights into the raw schema of ``database``.

    The helper tables stay in ``bench_synthetic`` so :func:`add_night` can write the next night;
    :func:`drop_helpers` removes them.
    """
    from warehouse.load import connect

    connection = connect(database)
    try:
        connection.execute("set enable_progress_bar = false")
        started = time.perf_counter()
        _setup(connection, shape, fixtures_dir)
        counts = insert_nights(connection, 0, shape.nights - 1)
        connection.execute("checkpoint")
        logger.info(
            "transform: raw year written in %.1f s: %s", time.perf_counter() - started, counts
        )
        return counts
    finally:
        connection.close()


def add_night(database: Path, shape: YearShape | None = None) -> dict[str, int]:
    """Write the night after the year (what a nightly crawl and load would add)."""
    import duckdb

    connection = duckdb.connect(str(database))
    try:
        connection.execute("set enable_progress_bar = false")
        row = connection.execute("select max(night) from bench_synthetic.runs").fetchone()
        night = int(row[0]) if row and row[0] is not None else (shape.nights if shape else 0)
        counts = insert_nights(connection, night, night)
        connection.execute("checkpoint")
        return counts
    finally:
        connection.close()


def has_generator_tables(database: Path) -> bool:
    """True when ``database`` was written by :func:`generate_raw_year` (so a night can be added)."""
    import duckdb

    connection = duckdb.connect(str(database), read_only=True)
    try:
        row = connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'bench_synthetic' and table_name = 'runs'"
        ).fetchone()
        return bool(row and row[0])
    finally:
        connection.close()


def drop_helpers(database: Path) -> None:
    """Remove the generator's helper tables."""
    import duckdb

    connection = duckdb.connect(str(database))
    try:
        connection.execute("drop schema if exists bench_synthetic cascade")
    finally:
        connection.close()


_BASELINE = """
create or replace table bench_baseline.postings_lower_bound as
with seen as (
    select
        source_key,
        source_posting_id,
        content_hash,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at,
        count(*) as times_seen
    from raw.sightings
    group by source_key, source_posting_id, content_hash
)

select
    versions.source_key,
    versions.source_posting_id,
    min(seen.first_seen_at) as first_seen_at,
    max(seen.last_seen_at) as last_seen_at,
    sum(seen.times_seen) as times_seen,
    arg_max(versions.payload, seen.last_seen_at) as payload
from seen
inner join raw.posting_versions as versions
    on seen.source_key = versions.source_key
    and seen.source_posting_id = versions.source_posting_id
    and seen.content_hash = versions.content_hash
group by versions.source_key, versions.source_posting_id
"""


def run_baseline(database: Path) -> dict[str, Any]:
    """Time the lower-bound ``create table as select`` (in the child); drop its table after."""
    import duckdb

    started = time.perf_counter()
    connection = duckdb.connect(str(database))
    connection.execute("set enable_progress_bar = false")
    connection.execute("create schema if not exists bench_baseline")
    connection.execute(_BASELINE)
    row = connection.execute("select count(*) from bench_baseline.postings_lower_bound").fetchone()
    connection.execute("checkpoint")
    seconds = time.perf_counter() - started
    connection.execute("drop schema bench_baseline cascade")
    connection.close()
    return {"seconds": seconds, "postings": row[0] if row else 0}


def run_dbt(database: Path, work: Path) -> dict[str, Any]:
    """Time ``dbt build`` through ``warehouse.pipeline.transform`` (in the child).

    dbt's target and log directories go to ``work``, so the bench neither reads nor disturbs the
    project's own ``dbt_project/target``.
    """
    from warehouse.config import Settings
    from warehouse.pipeline import transform

    settings = Settings(db=database, data_dir=work)
    arguments: dict[str, Any] = {
        "command": "build",
        "extra_args": ["--target-path", str(work / "target"), "--log-path", str(work / "logs")],
    }
    if "database" in inspect.signature(transform).parameters:  # the build-copy signature
        arguments["database"] = database
    errors: list[str] = []

    class KeepErrors(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            errors.append(record.getMessage())

    keeper = KeepErrors(logging.ERROR)
    logging.getLogger("warehouse").addHandler(keeper)
    started = time.perf_counter()
    try:
        succeeded = transform(settings, **arguments)
        error = (
            None
            if succeeded
            else (
                failed_nodes(work / "target" / "run_results.json")
                or " ".join(" ".join(errors).split())[:400]
                or "dbt build reported failures"
            )
        )
    except Exception as exception:  # the bench reports it rather than crash
        succeeded, error = False, f"{type(exception).__name__}: {exception}"
    finally:
        logging.getLogger("warehouse").removeHandler(keeper)
    seconds = time.perf_counter() - started
    if error:
        error = f"after {seconds:.0f} s: {error}"
    return {"seconds": seconds, "succeeded": succeeded, "error": error}


def failed_nodes(run_results: Path) -> str:
    """The nodes dbt reports as failed in ``run_results.json``, with the first line of each."""
    import json

    try:
        results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError):
        return ""
    failed = [result for result in results if result.get("status") in {"error", "fail"}]
    if not failed:
        return ""
    shown = "; ".join(
        f"{result['unique_id'].split('.')[-1]}: "
        f"{' '.join(str(result.get('message') or '').split())[:160]}"
        for result in failed[:3]
    )
    return f"{len(failed)} of {len(results)} nodes failed: {shown}"


def _child(
    role: str, database: Path, work: Path, label: str, *extra: str
) -> tuple[dict[str, Any], float]:
    out = work / f"{label}.json"
    out.unlink(missing_ok=True)
    result = run_child(
        [
            "bench.transform",
            role,
            "--db",
            str(database),
            "--out",
            str(out),
            "--work",
            str(work),
            *extra,
        ],
        out,
        env=child_env({"POSTINGS_LOG_LEVEL": "WARNING"}),
        log_path=work / f"{label}.log",
    )
    report = result.report or {
        "succeeded": False,
        "error": f"exit {result.returncode}: {result.stderr_tail[-500:]}",
    }
    if result.returncode != 0 and "error" not in report:
        report["error"] = f"exit {result.returncode}"
    return report, result.max_rss_mib


def measure(database: Path, work: Path, scale: str = "") -> list[Row]:
    """Time ``dbt build`` (full, then nightly) and its peak RSS beside the lower-bound baseline.

    The hook: ``database`` must hold the raw tables (a real warehouse or
    :func:`generate_raw_year`'s). When it was written by the generator, one more night is
    added between the two builds; on any other file the second build runs on unchanged data.
    """
    work.mkdir(parents=True, exist_ok=True)
    baseline, baseline_rss = _child("baseline", database, work, "baseline")
    if "seconds" not in baseline:
        raise RuntimeError(f"transform baseline failed: {baseline}")
    logger.info("transform baseline: %.1f s, peak RSS %.0f MiB", baseline["seconds"], baseline_rss)
    full, full_rss = _child("dbt", database, work, "dbt_full")
    logger.info("transform dbt build (full): %s, peak RSS %.0f MiB", full, full_rss)
    night = "unchanged data"
    night_label = night
    if has_generator_tables(database):
        added, _ = _child("nightly", database, work, "add_night")
        if "sightings" not in added:
            raise RuntimeError(f"adding a night failed: {added}")
        night = f"+{added['sightings']:,} sightings, +{added['posting_versions']:,} versions"
        night_label = f"+{added['sightings']:,} sightings"
        logger.info("transform: one more night written: %s", added)
    nightly, nightly_rss = _child("dbt", database, work, "dbt_nightly")
    logger.info("transform dbt build (nightly): %s, peak RSS %.0f MiB", nightly, nightly_rss)

    def value(report: dict[str, Any]) -> float | None:
        return float(report["seconds"]) if report.get("succeeded") else None

    def note(report: dict[str, Any]) -> str:
        return "" if report.get("succeeded") else f"dbt build FAILED: {report.get('error')}"

    lower_bound = "CTAS sightings->versions by posting"
    built = [
        rss for rss, report in ((full_rss, full), (nightly_rss, nightly)) if report.get("succeeded")
    ]
    return [
        Row(
            "transform",
            f"dbt build, full{scale}",
            value(full),
            "s",
            lower_bound,
            baseline["seconds"],
            note=note(full),
        ),
        Row(
            "transform",
            f"dbt build, nightly ({night_label})",
            value(nightly),
            "s",
            lower_bound,
            baseline["seconds"],
            note=note(nightly),
        ),
        Row(
            "transform",
            f"dbt build, nightly incremental ({night_label})",
            value(nightly),
            "s",
            "dbt build, full (same run)",
            value(full),
            note="target: the nightly takes at most 15% of the full build (ratio >= 6.67x)",
        ),
        Row(
            "transform",
            "dbt build peak RSS",
            max(built) if built else None,
            "MiB",
            "baseline CTAS peak RSS",
            baseline_rss,
        ),
    ]


def run_stage(work: Path, shape: YearShape, fixtures_dir: Path = DEFAULT_FIXTURES) -> list[Row]:
    """Generate the raw year into ``work``, time the transform on it, and delete it."""
    work.mkdir(parents=True, exist_ok=True)
    database = work / "warehouse.duckdb"
    for stale in work.glob("warehouse.duckdb*"):
        stale.unlink()
    generated, _ = _child(
        "generate",
        database,
        work,
        "generate",
        "--postings",
        str(shape.postings),
        "--open-per-night",
        str(shape.open_per_night),
        "--boards",
        str(shape.boards),
        "--fixtures",
        str(fixtures_dir),
    )
    if "sightings" not in generated:
        raise RuntimeError(f"generating the raw year failed: {generated}")
    scale = f" ({shape.postings:,} postings, {generated['sightings']:,} sightings)"
    try:
        rows = measure(database, work, scale)
        rows += load_night_into_history(database, work, shape, fixtures_dir)
        return rows
    finally:
        for stale in work.glob("warehouse.duckdb*"):
            stale.unlink()


def load_night_into_history(
    database: Path, work: Path, shape: YearShape, fixtures_dir: Path = DEFAULT_FIXTURES
) -> list[Row]:
    """The loader's real operating point: one night of landing files into a year of history.

    One night's worth of SYNTHETIC postings (``open_per_night`` of them, in landing files as the
    crawler writes them) is loaded by ``warehouse.load.load`` into the generated year, and the
    same files into an empty warehouse (the baseline): the ratio is what the history costs the
    nightly load (the anti-join against every known version, the primary-key indexes).
    """
    from bench.corpus import write_landing

    landing = work / "night_landing"
    stats = write_landing(
        landing, shape.open_per_night, seed=shape.seed + 1, fixtures_dir=fixtures_dir
    )
    figures: dict[str, tuple[float, float]] = {}
    for label, target in (("empty", work / "empty.duckdb"), ("history", database)):
        out = work / f"night_load_{label}.json"
        result = run_child(
            [
                "bench.load",
                "loader",
                "--db",
                str(target),
                "--landing",
                str(landing),
                "--out",
                str(out),
            ],
            out,
            log_path=work / f"night_load_{label}.log",
        )
        if result.returncode != 0 or not result.report or result.report.get("failed"):
            raise RuntimeError(f"loading one night ({label}) failed: {result.stderr_tail}")
        report = result.report
        figures[label] = (report["rows"] / report["seconds"], result.max_rss_mib)
        logger.info(
            "load one night into %s warehouse: %d rows in %.1f s, peak RSS %.0f MiB",
            label,
            report["rows"],
            report["seconds"],
            result.max_rss_mib,
        )
    for stale in work.glob("empty.duckdb*"):
        stale.unlink()
    history, empty = figures["history"], figures["empty"]
    night = f"{stats.postings:,} postings in {stats.runs} runs"
    return [
        Row(
            "load",
            f"load(), one night ({night}) into a year",
            history[0],
            "rows/s",
            "same files into an empty warehouse",
            empty[0],
        ),
        Row(
            "load",
            "load() peak RSS, one night into a year",
            history[1],
            "MiB",
            "into an empty warehouse",
            empty[1],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    """Child entry point: generate the year, add a night, run dbt or the baseline once."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=["generate", "nightly", "dbt", "baseline"])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--postings", type=int, default=SMALL.postings)
    parser.add_argument("--open-per-night", type=int, default=SMALL.open_per_night)
    parser.add_argument("--boards", type=int, default=SMALL.boards)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    report: dict[str, Any]
    if args.role == "generate":
        shape = YearShape(args.postings, args.open_per_night, args.boards)
        report = dict(generate_raw_year(args.db, shape, args.fixtures))
    elif args.role == "nightly":
        report = dict(add_night(args.db))
    elif args.role == "dbt":
        report = run_dbt(args.db, args.work)
    else:
        report = run_baseline(args.db)
    write_report(args.out, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
