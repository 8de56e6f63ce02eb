"""Render: briefing sections as data, then as browser HTML, email HTML and charts.

Pure: returns strings and bytes, writes no files.
May import :mod:`ita_lib.documents`, :mod:`ita_lib.analysis`, :mod:`ita_lib.model` and
:mod:`ita_lib.text`.
"""
