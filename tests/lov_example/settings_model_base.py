"""The test settings with LOV_MODEL_BASE pointing at a recording metaclass (read in a separate process)."""

from portal.settings.test import *  # noqa: F403

LOV_MODEL_BASE = "tests.lov_example.model_base.RecordingModelBase"
