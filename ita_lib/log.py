"""The package logger; modules log through it instead of printing."""

import logging

logger = logging.getLogger("ita_lib")
