"""Model: the per-year framework, assessments and results tables, read and validated.

Reads data files (framework YAML, assessment YAML, CSV/XLSX tables) into frozen objects.
May import :mod:`ita_lib.text` and the top-level infrastructure modules only.
"""
