"""Run: notebook parameters and notebook execution with papermill and nbconvert (I/O edge).

May import :mod:`ita_lib.views`, :mod:`ita_lib.render` and everything below them.
"""
