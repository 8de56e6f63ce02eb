"""Deliver: build the emailed briefing's message and send it over SMTP with a sent-ledger.

May import :mod:`ita_lib.run` and everything below it.
"""
