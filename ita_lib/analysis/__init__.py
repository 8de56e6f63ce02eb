"""Analysis: pure functions from assessments to scores, weaknesses, coverage and comparisons.

Scoring, the weakness analysis with its what-if ladder, links from measures to weaknesses,
translation between rating scales, peers and trends. No I/O beyond packaged data.
May import :mod:`ita_lib.model` and :mod:`ita_lib.text`.
"""
