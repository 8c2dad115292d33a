"""Shared test configuration: hypothesis profiles.

``dev`` is the default; ``.ci/run`` selects ``ci`` (more examples, derandomized, no
deadline) through the ``HYPOTHESIS_PROFILE`` environment variable.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100)
settings.register_profile(
    "ci",
    max_examples=400,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
