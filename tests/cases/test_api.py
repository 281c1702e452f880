"""The case journey through the API, as a partner system or a script would drive it."""

import datetime as dt

from django.utils import timezone

from cases.models import Case


def test_investigator_to_prosecutor_journey(world, api):
    inv = api(world.investigator_a)
    case = inv.post(
        "/api/v1/cases/",
        {
            "title": "Lantern",
            "origin": "proactive",
            "trafficking_type": "sex",
            "jurisdiction_level": "local",
            "venue": "illicit-massage",
        },
        format="json",
    )
    assert case.status_code == 201, case.json()
    case_id = case.json()["id"]
    assert case.json()["assigned_investigators"] == ["investigator_a"]
    subject = inv.post(
        "/api/v1/subjects/",
        {"case": case_id, "role": "trafficker", "first_name": "Ray", "last_name": "Stone"},
        format="json",
    )
    assert subject.status_code == 201, subject.json()
    phone = inv.post(
        "/api/v1/identifiers/",
        {
            "case": case_id,
            "subject": subject.json()["id"],
            "kind": "phone",
            "value": "555-201-3344",
        },
        format="json",
    )
    assert phone.status_code == 201 and phone.json()["normalized"] == "5552013344"
    note = inv.post(
        "/api/v1/case-notes/",
        {
            "case": case_id,
            "note_type": "interview",
            "body": "Victim interview summary",
            "for_prosecution": True,
        },
        format="json",
    )
    assert note.status_code == 201
    referral = inv.post(
        f"/api/v1/cases/{case_id}/refer/", {"office": world.prosecution.pk}, format="json"
    )
    assert referral.status_code == 201, referral.json()

    pros = api(world.prosecutor)
    assert pros.get(f"/api/v1/cases/{case_id}/").status_code == 200
    accepted = pros.post(
        f"/api/v1/prosecution-referrals/{referral.json()['id']}/accept/", {}, format="json"
    )
    assert accepted.status_code == 201, accepted.json()
    prosecution_id = accepted.json()["id"]
    charge = pros.post(
        "/api/v1/charges/",
        {
            "prosecution": prosecution_id,
            "subject": subject.json()["id"],
            "statute": "18 U.S.C. 1591",
            "counts": 2,
        },
        format="json",
    )
    assert charge.status_code == 201, charge.json()
    court = pros.post(
        "/api/v1/court-events/",
        {
            "prosecution": prosecution_id,
            "event_type": "arraignment",
            "scheduled_at": (timezone.now() + dt.timedelta(days=5)).isoformat(),
            "court": "Dunmore County Circuit Court",
        },
        format="json",
    )
    assert court.status_code == 201, court.json()
    # Again, a second accept is a 409 and changes nothing.
    again = pros.post(
        f"/api/v1/prosecution-referrals/{referral.json()['id']}/accept/", {}, format="json"
    )
    assert again.status_code == 409

    charges = inv.get("/api/v1/charges/").json()["results"]
    assert [c["statute"] for c in charges] == ["18 U.S.C. 1591"]
    assert inv.get(f"/api/v1/court-events/{court.json()['id']}/").status_code == 200
    assert Case.objects.get(pk=case_id).status == "referred"


def test_illegal_transition_is_409_and_changes_nothing(world, api):
    inv = api(world.investigator_a)
    case_id = inv.post(
        "/api/v1/cases/",
        {
            "title": "T",
            "origin": "reactive",
            "trafficking_type": "labor",
            "jurisdiction_level": "local",
        },
        format="json",
    ).json()["id"]
    assert inv.post(f"/api/v1/cases/{case_id}/reopen/").status_code == 409
    assert inv.post(f"/api/v1/cases/{case_id}/close/", {}, format="json").status_code == 400
    assert (
        inv.post(
            f"/api/v1/cases/{case_id}/close/", {"reason": "Unfounded"}, format="json"
        ).status_code
        == 200
    )
    assert (
        inv.post(f"/api/v1/cases/{case_id}/close/", {"reason": "again"}, format="json").status_code
        == 409
    )
    assert Case.objects.get(pk=case_id).closing_reason == "Unfounded"


def test_invisible_case_is_404_everywhere_and_cannot_be_referenced(world, api):
    case_id = (
        api(world.investigator_a)
        .post(
            "/api/v1/cases/",
            {
                "title": "T",
                "origin": "reactive",
                "trafficking_type": "sex",
                "jurisdiction_level": "local",
            },
            format="json",
        )
        .json()["id"]
    )
    for persona in ("investigator_b", "advocate_a", "prosecutor", "community_member"):
        client = api(world.users[persona])
        assert client.get(f"/api/v1/cases/{case_id}/").status_code == 404
        assert (
            client.post(
                f"/api/v1/cases/{case_id}/close/", {"reason": "x"}, format="json"
            ).status_code
            == 404
        )
        bad = client.post(
            "/api/v1/subjects/", {"case": case_id, "role": "trafficker"}, format="json"
        )
        unknown = client.post(
            "/api/v1/subjects/", {"case": 99999, "role": "trafficker"}, format="json"
        )
        assert bad.status_code == unknown.status_code == 400
        assert bad.json()["case"] == [
            m.replace("99999", str(case_id)) for m in unknown.json()["case"]
        ]


def test_share_answers_with_the_new_participants(world, api):
    inv = api(world.investigator_a)
    case_id = inv.post(
        "/api/v1/cases/",
        {
            "title": "T",
            "origin": "reactive",
            "trafficking_type": "sex",
            "jurisdiction_level": "local",
        },
        format="json",
    ).json()["id"]
    shared = inv.post(f"/api/v1/cases/{case_id}/share/", {"agency": world.le_b.pk}, format="json")
    assert shared.status_code == 200
    assert shared.json()["participating_agencies"] == [world.le_b.pk]
    assert api(world.investigator_b).get(f"/api/v1/cases/{case_id}/").status_code == 200
