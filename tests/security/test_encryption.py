"""Victims' names, dates of birth, contact details and immigration numbers are encrypted at rest:
the database holds ciphertext, the application reads plaintext, keys rotate without losing a
value, a wrong key fails loudly, names stay searchable by whole word, and no value reaches the
audit trail."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from agencies.models import ServiceType
from taskforce import crypto
from taskforce.models import AuditEvent
from victims import selectors, services
from victims.models import (
    Client,
    Consent,
    ConsentItem,
    ImmigrationRelief,
    Referral,
    SharingForm,
    SignerRole,
    VictimWitness,
)

pytestmark = pytest.mark.django_db

KEY_A, KEY_B, KEY_C = (Fernet.generate_key().decode() for _ in range(3))
BORN = dt.date(1991, 7, 14)
IDENTITY = {
    "given_name": "Marisol",
    "family_name": "Quintanilla",
    "alias": "Sol",
    "date_of_birth": BORN,
    "phone": "555-0199",
    "email": "marisol@example.org",
    "address": "12 Orchard Lane",
    "safe_contact_notes": "Text only after 6 pm",
    "a_number": "A204060801",
}


def today() -> dt.date:
    return timezone.localdate()


def raw(table: str, pk: int, *columns: str) -> dict[str, object]:
    """What the database itself holds, read past the model fields."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - our own names
        return dict(zip(columns, cursor.fetchone(), strict=True))


def new_client(world, **extra) -> Client:
    fields = {**IDENTITY, "citizenship": "lpr", **extra}
    return services.record_client(
        agency=world.vsp_a,
        by=world.advocate_a,
        identified_on=today(),
        identification_source="hotline",
        **fields,
    )


def test_the_database_holds_ciphertext_and_the_orm_plaintext(world):
    client = new_client(world)
    stored = raw("victims_client", client.pk, *IDENTITY)
    for column, plain in IDENTITY.items():
        value = stored[column]
        assert isinstance(value, str) and value.startswith("gAAAAA"), column
        assert str(plain) not in value and str(plain).lower() not in value.lower(), column
    # Each value has its own IV: the same plaintext never gives the same ciphertext.
    twin = new_client(world)
    assert raw("victims_client", twin.pk, "given_name")["given_name"] != stored["given_name"]

    again = Client.objects.get(pk=client.pk)
    assert {name: getattr(again, name) for name in IDENTITY} == IDENTITY
    assert isinstance(again.date_of_birth, dt.date)
    assert Client.objects.filter(pk=client.pk).values_list(
        "family_name", "date_of_birth"
    ).get() == (
        "Quintanilla",
        BORN,
    )


def test_blank_values_stay_blank_and_derived_age_is_stored_in_clear(world):
    client = new_client(world, alias="", phone="", date_of_birth=None, estimated_age=15)
    stored = raw("victims_client", client.pk, "alias", "phone", "date_of_birth", "is_minor")
    assert stored["alias"] == "" and stored["phone"] == "" and stored["date_of_birth"] is None
    # Age groups are counted from the derived, non-identifying columns.
    assert stored["is_minor"] in (True, 1)
    assert Client.objects.get(pk=client.pk).alias == ""


def test_referral_consent_and_relief_identifiers_are_encrypted(world):
    victim = services.record_victim(
        agency=world.le_a,
        by=world.investigator_a,
        identified_on=today(),
        identification_source="reactive",
        **IDENTITY,
    )
    stored = raw("victims_victimwitness", victim.pk, *IDENTITY)
    assert all(str(v).startswith("gAAAAA") for v in stored.values())
    referral = services.send_referral(
        from_agency=world.le_a,
        provider=world.vsp_a,
        by=world.investigator_a,
        services_requested=list(ServiceType.objects.all()[:1]),
        victim=victim,
        shared_name="Marisol",
        contact_instructions="Through Det. Reyes only",
    )
    stored = raw("victims_referral", referral.pk, "shared_name", "contact_instructions")
    assert "Marisol" not in stored["shared_name"]
    assert "Reyes" not in stored["contact_instructions"]
    assert Referral.objects.get(pk=referral.pk).contact_instructions == "Through Det. Reyes only"

    client = new_client(world)
    consent = services.record_consent(
        client=client,
        by=world.advocate_a,
        recipient=world.prosecution,
        items=[ConsentItem.ENROLLMENT_STATUS],
        purpose="Court accompaniment planning",
        sharing_form=SharingForm.ELECTRONIC,
        starts_on=today(),
        expires_on=today() + dt.timedelta(days=90),
        signer_name="Marisol Quintanilla",
        signer_role=SignerRole.CLIENT,
        voluntariness_explained=True,
        right_to_revoke_explained=True,
    )
    assert "Quintanilla" not in raw("victims_consent", consent.pk, "signer_name")["signer_name"]
    assert Consent.objects.get(pk=consent.pk).signer_name == "Marisol Quintanilla"

    relief = services.record_relief(
        by=world.advocate_a,
        client=client,
        kind="u_visa_certification",
        requested_on=today(),
        receipt_number="EAC2190012345",
    )
    stored = raw("victims_immigrationrelief", relief.pk, "receipt_number")["receipt_number"]
    assert "EAC2190012345" not in stored
    assert ImmigrationRelief.objects.get(pk=relief.pk).receipt_number == "EAC2190012345"


def test_bulk_create_encrypts_and_indexes_too(world):
    made = Client.objects.bulk_create(
        [
            Client(
                owner_agency=world.vsp_a,
                given_name="Bulk",
                family_name=f"Loaded{i}",
                date_of_birth=BORN,
                identified_on=today(),
                identification_source="hotline",
            )
            for i in range(3)
        ]
    )
    stored = raw("victims_client", made[0].pk, "family_name", "date_of_birth", "name_index")
    assert "Loaded0" not in stored["family_name"] and "1991" not in stored["date_of_birth"]
    assert stored["name_index"].strip()
    found = selectors.profile_search(Client.objects.all(), "loaded1")
    assert list(found.values_list("pk", flat=True)) == [made[1].pk]


def test_rotation_re_encrypts_under_the_new_key_and_is_idempotent(world):
    with override_settings(FIELD_ENCRYPTION_KEYS=KEY_A):
        client = new_client(world)
        before = raw("victims_client", client.pk, "given_name", "date_of_birth")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}"):
        call_command("rotate_field_keys", batch_size=1, stdout=io.StringIO())
        after = raw("victims_client", client.pk, "given_name", "date_of_birth")
        assert after["given_name"] != before["given_name"]
        assert after["date_of_birth"] != before["date_of_birth"]
        # A second run finds nothing left to do and changes nothing.
        call_command("rotate_field_keys", stdout=io.StringIO())
        assert raw("victims_client", client.pk, "given_name", "date_of_birth") == after
    with override_settings(FIELD_ENCRYPTION_KEYS=KEY_B):
        again = Client.objects.get(pk=client.pk)
        assert (again.given_name, again.date_of_birth) == ("Marisol", BORN)
        # The index key never changes with a rotation: the client is still found by name.
        assert selectors.profile_search(Client.objects.all(), "Quintanilla").get() == again
    with override_settings(FIELD_ENCRYPTION_KEYS=KEY_A), pytest.raises(crypto.DecryptionError):
        Client.objects.get(pk=client.pk)


def test_a_wrong_key_fails_with_a_clear_error_not_garbage(world):
    with override_settings(FIELD_ENCRYPTION_KEYS=KEY_A):
        client = new_client(world)
    with override_settings(FIELD_ENCRYPTION_KEYS=KEY_C):
        with pytest.raises(crypto.DecryptionError) as raised:
            Client.objects.get(pk=client.pk)
        assert "FIELD_ENCRYPTION_KEYS" in str(raised.value)
        assert "Marisol" not in str(raised.value)
        # The rotation refuses too, naming what to do, and leaves the values as they were.
        before = raw("victims_client", client.pk, "given_name")
        with pytest.raises(Exception, match="keep the old key"):
            call_command("rotate_field_keys", stdout=io.StringIO())
        assert raw("victims_client", client.pk, "given_name") == before


def test_missing_or_malformed_keys_are_refused_with_a_clear_error():
    # (With DEBUG off the settings refuse to start without them; this is the same refusal at use.)
    missing = override_settings(FIELD_ENCRYPTION_KEYS="")
    with missing, pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS is not set"):
        crypto.encrypt("x")
    no_index = override_settings(FIELD_ENCRYPTION_KEYS=KEY_A, FIELD_INDEX_KEY="")
    with no_index, pytest.raises(ImproperlyConfigured, match="FIELD_INDEX_KEY is not set"):
        crypto.check_configuration()
    malformed = override_settings(FIELD_ENCRYPTION_KEYS=f"{KEY_A},not-a-key")
    with malformed, pytest.raises(ImproperlyConfigured, match="key number 2"):
        crypto.encrypt("x")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A], FIELD_INDEX_KEY="k"):
        crypto.check_configuration()
        assert crypto.decrypt(crypto.encrypt("x")) == "x"


def test_the_database_refuses_to_compare_encrypted_values(world):
    for lookup in ("family_name", "family_name__icontains", "date_of_birth__lt"):
        with pytest.raises(FieldError, match="encrypted"):
            list(Client.objects.filter(**{lookup: "x"}))
    with pytest.raises(FieldError, match="encrypted"):
        list(VictimWitness.objects.filter(date_of_birth__year=1991))
    assert Client.objects.filter(date_of_birth__isnull=True).count() == 0


def test_name_search_through_the_api_is_an_exact_whole_word_for_the_advocate_only(world, api):
    client = new_client(world, family_name="Quintanilla Ortega")
    url = reverse("client-list")

    def found(user, term):
        response = api(user).get(url, {"search": term})
        if response.status_code != 200:
            return response.status_code
        return [row["id"] for row in response.json()["results"]]

    for term in ("Quintanilla", "quintanilla", "ORTEGA", "Marisol", "sol", "marisol ortega"):
        assert found(world.advocate_a, term) == [client.pk], term
    # Whole words only: a part of a word, or a word the record does not hold, finds nothing.
    for term in ("Quint", "Quintanill", "Marisol Lopez", "Delgado"):
        assert found(world.advocate_a, term) == [], term
    assert found(world.advocate_a, str(client.pk)) == [client.pk]
    # Another provider, law enforcement and the community never find it.
    for user in (world.advocate_b, world.investigator_a, world.community_member):
        assert found(user, "Quintanilla") in ([], 403, 404), user
        assert api(user).get(reverse("client-detail", args=[client.pk])).status_code == 404


def test_max_length_is_checked_on_the_plaintext(world, api):
    response = api(world.advocate_a).post(
        reverse("client-list"),
        {
            "given_name": "x" * 81,
            "a_number": "A" * 13,
            "identified_on": today().isoformat(),
            "identification_source": "hotline",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"given_name", "a_number"} <= set(response.json())
    # At the limit the ciphertext is far longer than 80 characters, and that is fine.
    ok = new_client(world, given_name="y" * 80)
    assert len(raw("victims_client", ok.pk, "given_name")["given_name"]) > 80
    assert Client.objects.get(pk=ok.pk).given_name == "y" * 80


def test_identifying_values_never_reach_the_audit_trail(world, api):
    advocate = api(world.advocate_a)
    first = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    created = advocate.post(
        reverse("client-list"),
        {
            **{k: str(v) for k, v in IDENTITY.items()},
            "citizenship": "lpr",
            "identified_on": today().isoformat(),
            "identification_source": "hotline",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["family_name"] == "Quintanilla"
    assert created.json()["date_of_birth"] == BORN.isoformat()
    changed = advocate.patch(
        reverse("client-detail", args=[pk]),
        {"family_name": "Valderrama", "phone": "555-0123", "date_of_birth": "1990-02-03"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["family_name"] == "Valderrama"
    events = list(AuditEvent.objects.filter(id__gt=first))
    assert any(e.object_id == str(pk) for e in events)
    written = json.dumps([[e.object_type, e.object_id, e.detail] for e in events])
    secrets = [*(str(v) for v in IDENTITY.values()), "Valderrama", "555-0123", "1990-02-03"]
    for value in secrets:
        assert value not in written, value
