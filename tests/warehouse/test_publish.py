"""Build privately, publish atomically: readers keep a consistent snapshot, writers never wait."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from warehouse.publish import WarehouseBusyError, build_path, building, publish


def make_table(path, value: int) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create or replace table marts_t as select $v as v", {"v": value})


def read_value(path) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select v from marts_t").fetchone()[0]


def test_build_copy_is_seeded_from_the_public_file(tmp_path):
    public = tmp_path / "warehouse.duckdb"
    make_table(public, 1)

    with building(public) as build:
        assert build == build_path(public)
        assert read_value(build) == 1


def test_nothing_is_visible_before_publish_and_all_after(tmp_path):
    public = tmp_path / "warehouse.duckdb"
    make_table(public, 1)

    with building(public) as build:
        make_table(build, 2)
        assert read_value(public) == 1
        publish(build, public)

    assert read_value(public) == 2


def test_a_reader_holding_the_public_file_does_not_block_publishing(tmp_path):
    public = tmp_path / "warehouse.duckdb"
    make_table(public, 1)
    reader = duckdb.connect(str(public), read_only=True)
    try:
        with building(public) as build:
            make_table(build, 2)
            publish(build, public)
        assert reader.execute("select v from marts_t").fetchone()[0] == 1  # its own snapshot
    finally:
        reader.close()
    assert read_value(public) == 2


def test_a_second_builder_fails_at_once_with_a_clear_error(tmp_path):
    public = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time
        from pathlib import Path
        from warehouse.publish import building
        with building(Path({str(public)!r})):
            print("locked", flush=True)
            time.sleep(30)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WarehouseBusyError, match="another postings process"), building(public):
            pass
    finally:
        holder.kill()
        holder.wait()


READER = textwrap.dedent("""
    import sys, time, duckdb
    path, seconds = sys.argv[1], float(sys.argv[2])
    reads, errors, torn = 0, [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with duckdb.connect(path, read_only=True) as connection:
                a, b = connection.execute(
                    "select (select max(v) from t1), (select max(v) from t2)"
                ).fetchone()
                torn += a != b
                reads += 1
        except Exception as error:
            errors.append(repr(error))
    print(reads, torn, len(errors), errors[:3])
""")


def test_readers_in_a_loop_never_fail_nor_see_half_a_build(tmp_path):
    """A reader process queries two tables that every build changes together."""
    public = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(public)) as connection:
        connection.execute("create table t1 as select 0 as v; create table t2 as select 0 as v")
    script = tmp_path / "reader.py"
    script.write_text(READER, encoding="utf-8")
    reader = subprocess.Popen(
        [sys.executable, str(script), str(public), "4"], stdout=subprocess.PIPE, text=True
    )
    builds = 0
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        builds += 1
        with building(public) as build, duckdb.connect(str(build)) as connection:
            connection.execute("create or replace table t1 as select $v as v", {"v": builds})
            time.sleep(0.01)  # a reader of the build copy would see t1 new and t2 old here
            connection.execute("create or replace table t2 as select $v as v", {"v": builds})
        with building(public) as build:
            publish(build, public)
    reads, torn, error_count, errors = reader.communicate(timeout=30)[0].split(" ", 3)

    assert int(error_count) == 0, errors
    assert int(torn) == 0
    assert int(reads) > 10
    assert builds > 3
