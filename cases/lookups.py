"""Seed values of the cases lookup tables (DOMAIN lists; a task force adds its own)."""

VENUES = [
    ("illicit-massage", "Illicit massage business"),
    ("residential-brothel", "Residential brothel"),
    ("online-commercial-sex", "Online commercial sex"),
    ("hotel-motel", "Hotel / motel"),
    ("street", "Street"),
    ("agriculture", "Agriculture"),
    ("domestic-work", "Domestic work"),
    ("restaurant", "Restaurant / food service"),
    ("construction", "Construction"),
    ("hospitality", "Hospitality"),
    ("manufacturing", "Manufacturing"),
    ("traveling-sales-crew", "Traveling sales crew"),
    ("other", "Other"),
]

RECRUITMENT_METHODS = [
    ("job-offer", "Job offer"),
    ("intimate-partner", "Intimate partner / romance"),
    ("familial", "Familial"),
    ("debt", "Debt"),
    ("other", "Other"),
]

NIBRS_OFFENSES = [
    ("64A", "Human Trafficking, Commercial Sex Acts"),
    ("64B", "Human Trafficking, Involuntary Servitude"),
    ("40A", "Prostitution"),
    ("40B", "Assisting or Promoting Prostitution"),
    ("40C", "Purchasing Prostitution"),
]

# citation, title, default NIBRS code
FEDERAL_STATUTES = [
    ("18 U.S.C. 1581", "Peonage; obstructing enforcement", "64B"),
    ("18 U.S.C. 1583", "Enticement into slavery", "64B"),
    ("18 U.S.C. 1584", "Sale into involuntary servitude", "64B"),
    ("18 U.S.C. 1589", "Forced labor", "64B"),
    (
        "18 U.S.C. 1590",
        "Trafficking with respect to peonage, slavery, involuntary servitude, or forced labor",
        "64B",
    ),
    ("18 U.S.C. 1591", "Sex trafficking of children or by force, fraud, or coercion", "64A"),
    ("18 U.S.C. 1592", "Unlawful conduct with respect to documents", "64B"),
    ("18 U.S.C. 1593A", "Benefiting financially from peonage, slavery, and trafficking", "64B"),
    ("18 U.S.C. 1594", "Attempt, conspiracy, forfeiture", "64B"),
    ("18 U.S.C. 2421", "Transportation generally (Mann Act)", "40B"),
    ("18 U.S.C. 2422", "Coercion and enticement", "40B"),
    ("18 U.S.C. 2423", "Transportation of minors", "64A"),
]
