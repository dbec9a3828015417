"""``python -m tests.hanging_worker run ...``: the real ``newsflow`` CLI with an attributor that
loops forever on articles carrying ``tests.stage_helpers.HANG_MARKER`` (a stand-in CPU bomb)."""

import sys

from newsflow.agents import attributor
from newsflow.cli import main
from tests.stage_helpers import enrich_or_hang

attributor.STAGE = enrich_or_hang
sys.exit(main())
