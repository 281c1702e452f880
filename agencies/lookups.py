"""Seed values of the editable lookup tables (the field's own lists; a task force may add more).

Services follow the unified service list, each mapped to its VOCA category (A-E).
"""

SERVICE_TYPES = [
    # code, name, VOCA category
    ("case-management", "Case management (intake, needs assessment, service plan)", "B"),
    ("crisis-intervention", "Crisis intervention", "C"),
    ("safety-planning", "Safety planning", "C"),
    ("basic-necessities", "Basic necessities and personal items", "C"),
    ("emergency-financial", "Emergency financial assistance", "C"),
    ("housing-emergency-shelter", "Housing: emergency shelter", "D"),
    ("housing-short-term", "Housing: short-term", "D"),
    ("housing-transitional", "Housing: transitional", "D"),
    ("housing-rapid-rehousing", "Housing: rapid rehousing", "D"),
    ("housing-long-term", "Housing: long-term", "D"),
    ("medical", "Medical care", "B"),
    ("dental", "Dental care", "B"),
    ("mental-health", "Mental health", "C"),
    ("substance-use", "Substance use treatment", "C"),
    ("legal-immigration", "Legal: immigration", "E"),
    ("legal-criminal-justice", "Legal: criminal-justice advocacy and accompaniment", "E"),
    ("legal-civil-family", "Legal: civil (family)", "E"),
    ("legal-civil-wage-labor", "Legal: civil (wage and labor claims)", "E"),
    ("legal-vacatur", "Legal: vacatur / record relief", "E"),
    ("legal-civil-suit", "Legal: civil suit (18 U.S.C. 1595)", "E"),
    ("interpretation", "Interpretation / translation", "B"),
    ("transportation", "Transportation", "B"),
    ("education", "Education (ESL, GED)", "B"),
    ("employment", "Employment and job training", "B"),
    ("life-skills", "Life skills", "B"),
    ("childcare", "Childcare", "B"),
    ("public-benefits", "Public benefits assistance", "B"),
    ("victim-compensation", "Victim compensation assistance", "E"),
    ("family-reunification", "Family reunification", "B"),
    ("repatriation", "Repatriation", "B"),
    ("information-referral", "Information and referral", "A"),
]

POPULATIONS = [
    # dimension, code, name
    ("age", "adults", "Adults"),
    ("age", "minors", "Minors"),
    ("trafficking_type", "sex-trafficking", "Sex trafficking"),
    ("trafficking_type", "labor-trafficking", "Labor trafficking"),
    ("citizenship", "foreign-nationals", "Foreign nationals"),
    ("citizenship", "us-citizens", "U.S. citizens and LPRs"),
    ("gender", "female", "Women and girls"),
    ("gender", "male", "Men and boys"),
    ("gender", "transgender", "Transgender people"),
    ("gender", "non-binary", "Non-binary people"),
]

LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("zh", "Chinese (Mandarin)"),
    ("yue", "Chinese (Cantonese)"),
    ("vi", "Vietnamese"),
    ("ko", "Korean"),
    ("tl", "Tagalog"),
    ("ht", "Haitian Creole"),
    ("fr", "French"),
    ("ar", "Arabic"),
    ("ru", "Russian"),
    ("uk", "Ukrainian"),
    ("pt", "Portuguese"),
    ("hi", "Hindi"),
    ("th", "Thai"),
    ("km", "Khmer"),
    ("mam", "Mam"),
    ("quc", "K'iche'"),
    ("ase", "American Sign Language"),
]

TRAINING_TOPICS = [
    # code, name
    ("sex-trafficking", "Sex trafficking"),
    ("labor-trafficking", "Labor trafficking"),
    ("trauma-informed-practice", "Trauma-informed practice"),
    ("victim-centered-investigation", "Victim-centered investigation"),
    ("victim-identification", "Victim identification and screening"),
    ("minor-victims", "Minor victims and child sexual exploitation"),
    ("forensic-interviewing", "Forensic interviewing with a victim specialist present"),
    ("immigration-relief", "Immigration relief (Continued Presence, T and U visas)"),
    ("confidentiality", "Confidentiality and releases of information"),
    ("language-access", "Language access and working with interpreters"),
    ("proactive-investigation", "Proactive investigation and operations"),
    ("deconfliction", "Deconfliction"),
    ("task-force-protocols", "Task force protocols and MOUs"),
    ("onboarding", "Onboarding of new members"),
]
