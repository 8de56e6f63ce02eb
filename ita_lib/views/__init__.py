"""Views: analyst views of many agencies (explore, portfolio) for notebooks.

May import :mod:`ita_lib.render` and everything below it.
"""
