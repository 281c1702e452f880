"""/api/v1/me/: who is signed in, for which agencies, in which roles."""


def test_me_lists_memberships_in_force_and_roles(world, api):
    body = api(world.coordinator).get("/api/v1/me/").json()
    assert body["username"] == "coordinator"
    assert body["is_coordinator"] is True
    assert body["roles"] == ["member"]
    assert [m["agency_id"] for m in body["memberships"]] == [world.office.pk]


def test_me_refuses_people_without_a_membership_in_force(world, api):
    assert api(world.ended_member).get("/api/v1/me/").status_code == 403
    assert api(world.outsider).get("/api/v1/me/").status_code == 403
    assert api().get("/api/v1/me/").status_code in (401, 403)
