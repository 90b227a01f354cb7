"""Greenhouse job boards, through the public Job Board API (boards-api.greenhouse.io).

Entry: ``{kind: greenhouse, board: <board token>, company: <display name>}``; the token is the
last part of ``boards.greenhouse.io/<token>`` or ``job-boards.greenhouse.io/<token>``.
"""
