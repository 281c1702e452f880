import pytest

from cases import services
from cases.models import Origin, TraffickingType


@pytest.fixture
def case(world):
    """A sex-trafficking case of le_a, assigned to investigator_a."""
    return services.open_case(
        by=world.investigator_a,
        agency=world.le_a,
        title="Operation Lantern",
        origin=Origin.PROACTIVE,
        trafficking_type=TraffickingType.SEX,
        jurisdiction_level="local",
        summary="Online ads linked to two massage parlors.",
    )
