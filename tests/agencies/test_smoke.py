def test_world_builds(world):
    assert world.investigator_a.memberships.count() == 1
    assert world.le_a.group in world.investigator_a.groups.all()
    assert world.le_a.group not in world.ended_member.groups.all()
