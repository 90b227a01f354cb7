"""Himalayas (himalayas.app), a board of remote jobs, through its public JSON API.

Entry: ``{kind: himalayas}`` (key ``himalayas:all``), optionally ``max_pages`` (default 50
pages of 20 jobs, newest first).
"""
