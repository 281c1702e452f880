"""OpenAPI: the partner OAuth2 scheme, and the error answers every operation can give."""

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from drf_spectacular.openapi import AutoSchema


class PartnerOAuth2Scheme(DjangoOAuthToolkitScheme):
    """Our OAuth2 authentication (client credentials acting as a service account)."""

    target_class = "taskforce.drf.PartnerOAuth2Authentication"

    def get_security_requirement(self, auto_schema):
        # Scopes do not narrow access here: the service account's membership does.
        return {self.name: []}


_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Field errors {"field": ["message", ...]} (nested serializers give objects), or a
# {"detail": "..."} when the body cannot be parsed at all.
_FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
}


def _answer(component: str, description: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{component}"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def document_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorDetail", _DETAIL)
    schemas.setdefault("FieldErrors", _FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            writes = method in ("post", "put", "patch")
            queried = any(p.get("in") == "query" for p in operation.get("parameters", []))
            answers = {
                "401": ("ErrorDetail", "Not signed in, or the token is invalid or expired."),
                "403": ("ErrorDetail", "No membership in force, or visible but not allowed."),
                "429": ("ErrorDetail", "Too many requests."),
            }
            if "{" in path or queried:
                answers["404"] = ("ErrorDetail", "Unknown or out of reach (or a bad cursor).")
            if writes or queried:
                answers["400"] = ("FieldErrors", "Bad input: which field, and why.")
            if writes:
                answers["409"] = ("ErrorDetail", "Not allowed in the record's current state.")
                answers["415"] = ("ErrorDetail", "Unsupported media type.")
            for status, (component, description) in answers.items():
                responses.setdefault(status, _answer(component, description))
    return result


class SingleRecordSchema(AutoSchema):
    """For a collection route that answers one document (the charter, the coverage matrix),
    not an array of records."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
