"""``python -m ita_lib.cli``: the ``ita`` command."""

import sys

from ita_lib.cli import main

sys.exit(main())
