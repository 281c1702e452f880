"""A compartmented model that exists only in tests, to prove the access layer generically."""

from django.db import models

from agencies.roles import Compartment
from taskforce.models import CompartmentedModel, GrantBase


class Dossier(CompartmentedModel):
    compartment = Compartment.INVESTIGATIVE

    title = models.CharField(max_length=100)

    class Meta(CompartmentedModel.Meta):
        pass


class DossierGrant(GrantBase):
    content_object = models.ForeignKey(Dossier, on_delete=models.CASCADE)
