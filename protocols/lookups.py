"""Seed values of the protocol topics: the typical protocols of a task force (DOMAIN §1).

A task force edits this list in the admin; these are only the starting values."""

PROTOCOL_TOPICS = [
    ("victim-identification-referral", "Victim identification and referral triggers"),
    ("notification", "Who is notified and how fast"),
    ("lead-agency-by-typology", "Lead agency by victim typology"),
    ("pre-operation-notice", "What providers are told before an operation"),
    ("victim-specialist-interviews", "Interviews with a victim specialist present"),
    ("immigration-relief", "Immigration relief requests"),
    ("confidentiality-releases", "Confidentiality and releases of information"),
    ("media", "Media"),
    ("deconfliction", "Deconfliction"),
    ("data-review", "Data review cadence"),
    ("onboarding", "Onboarding of new members"),
]
