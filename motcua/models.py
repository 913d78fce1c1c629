"""Imports every component's models so `Base.metadata` knows all tables (Alembic, tests)."""
from motcua.booking import models as booking_models  # noqa: F401
from motcua.changes import models as change_models  # noqa: F401
from motcua.core.db import Base
from motcua.counter import models as counter_models  # noqa: F401
from motcua.dossier import models as dossier_models  # noqa: F401
from motcua.notify import models as notify_models  # noqa: F401
from motcua.printer import models as printer_models  # noqa: F401
from motcua.queue import models as queue_models  # noqa: F401

metadata = Base.metadata
