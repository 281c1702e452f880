"""How to make one record of every compartmented model, for the generic isolation suite.

Every concrete ``CompartmentedModel`` must have an entry here: ``test_isolation`` fails for a
model that has none, so a new compartmented model is proven isolated the day it is added. A
factory takes the owner agency only and returns a saved record; anything else the record needs
(a parent case, a client, ...) it makes itself, owned by the same agency.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django.db import models

from agencies.models import Agency
from tests.isolation.models import Dossier

_serial = itertools.count(1)


def _dossier(owner_agency: Agency) -> Dossier:
    return Dossier.objects.create(
        owner_agency=owner_agency, title=f"Operation Lantern {next(_serial)}"
    )


REGISTRY: dict[type[models.Model], Callable[[Agency], models.Model]] = {
    Dossier: _dossier,
}


def make(model: type[models.Model], owner_agency: Agency) -> models.Model:
    """One new record of ``model`` owned by ``owner_agency``."""
    return REGISTRY[model](owner_agency)
