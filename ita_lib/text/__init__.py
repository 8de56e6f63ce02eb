"""Text: Thai digits, Buddhist-era and fiscal years, month periods, item codes, exact decimals.

The lowest layer. Imports nothing from ``ita_lib`` but :mod:`ita_lib.exceptions` and
:mod:`ita_lib.log`.
"""
