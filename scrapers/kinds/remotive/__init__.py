"""Remotive (remotive.com), a board of remote jobs, through its public JSON API.

Entry: ``{kind: remotive}`` (key ``remotive:all``), optionally filtered with ``category`` (a
category slug such as ``software-dev``), ``search`` (free text) and ``limit`` (how many jobs):
``{kind: remotive, category: software-dev}`` has key ``remotive:category=software-dev``.
"""
