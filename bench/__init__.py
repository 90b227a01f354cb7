"""Benchmarks of the postings pipeline, each stage measured beside a baseline in the same run.

``python -m bench --size small`` (``make bench``) and ``--size large`` (``make bench-large``)
generate a SYNTHETIC corpus drawn from the real fixtures' distributions (:mod:`bench.corpus`),
then time the crawl, the load, the term matcher and the dbt transform, each next to a plain
baseline doing the least possible version of the same work on the same data. Every figure is
reported as a ratio against that baseline, because the machine is shared and absolute numbers
move with whatever else runs. See ``bench/README.md`` for what each row measures.
"""
