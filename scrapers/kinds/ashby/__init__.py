"""Ashby job boards, through the public Posting API (api.ashbyhq.com).

Entry: ``{kind: ashby, board: <board>, company: <display name>}``; the board is the first part
of ``jobs.ashbyhq.com/<board>``.
"""
