"""The DCAT-AP-SE catalogue of what geoapp publishes, as JSON-LD, for dataportal.se to harvest.

Each dataset lists the distributions geoapp really serves (the /api/v1 twins, the OGC API – Features
collections, the CSV and GeoJSON exports), with the publisher, contact point, licence and update frequency
the municipality configures.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale

from geoapp.i18n import LANGUAGES, N_, _

EU = "http://publications.europa.eu/resource/authority"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#", "dcterms": "http://purl.org/dc/terms/", "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}
OGC_FEATURES = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
FORMATS = {  # media type: EU file type
    "application/geo+json": f"{EU}/file-type/GEOJSON", "application/json": f"{EU}/file-type/JSON",
    "text/csv": f"{EU}/file-type/CSV",
}
LANGUAGE_URIS = {"sv": f"{EU}/language/SWE", "en": f"{EU}/language/ENG"}
IRREGULAR = f"{EU}/frequency/IRREG"


@dataclass(frozen=True)
class Distribution:
    """One way a dataset is served: a path of this site, its media type and a title (a message id)."""

    path: str
    media: str
    title: str
    download: bool = False  # a file of the default view, rather than an API answering filters


@dataclass(frozen=True)
class Dataset:
    """One published dataset: its key, title and description (message ids), theme and distributions."""

    key: str
    title: str
    description: str
    theme: str  # an EU data theme
    distributions: tuple[Distribution, ...]
    collection: str | None = None  # its OGC API – Features collection


DATASETS = (
    Dataset("cells", N_("Safety-walk observations per grid cell"),
            N_("What the safety walks in western Borlänge noted, counted per 250 m grid cell, RegSO area, period "
               "(year, tertial, month) and category. A number is published only when it counts at least k "
               "observations from at least two walks and nothing smaller can be worked out from it; each part "
               "carries a small deterministic noise."),
            "JUST",
            (Distribution("/api/v1/cells", "application/geo+json", N_("The cells of a view as GeoJSON (area, period, "
                                                                       "category)")),
             Distribution("/api/v1/summary", "application/json", N_("The numbers per area of a view as JSON")),
             Distribution("/export/cells.geojson", "application/geo+json", N_("The cells of the default view as "
                                                                              "GeoJSON"), True),
             Distribution("/export/cells.csv", "text/csv", N_("The cells of the default view as CSV"), True)),
            "cells"),
    Dataset("areas", N_("Areas of the citizen promise"),
            N_("The RegSO areas of Borlänge (SCB RegSO 2025) and the area groups the map shows, such as Västra "
               "Borlänge, with their boundaries."),
            "REGI",
            (Distribution("/api/v1/areas", "application/geo+json", N_("The areas as GeoJSON")),),
            "areas"),
    Dataset("activities", N_("Dialogues, police presence and advice per place"),
            N_("How many citizen dialogues, occasions of police presence and advice sessions were held at each "
               "public place of an area in a period, with participants and hours, shown only some days after "
               "they ended."),
            "JUST",
            (Distribution("/api/v1/activities", "application/geo+json", N_("The places with their activities as "
                                                                           "GeoJSON (area, period)")),),
            "activities"),
    Dataset("actions", N_("Decided actions"),
            N_("The actions decided after the safety walks, with where, who is responsible, the due date and the "
               "status (decided, ongoing, done or not to be done)."),
            "JUST",
            (Distribution("/api/v1/actions", "application/geo+json", N_("The decided actions as GeoJSON (area, "
                                                                        "status)")),),
            "actions"),
    Dataset("followup", N_("Follow-up of the citizen promise"),
            N_("Per tertial and area: dialogues, participants, police presence and its hours, advice sessions and "
               "the published safety-walk observations; and each commitment of the promise with its target and "
               "status."),
            "JUST",
            (Distribution("/api/v1/followup", "application/json", N_("The follow-up table as JSON (area, period)")),
             Distribution("/export/followup.csv", "text/csv", N_("The follow-up table of the default view as CSV"),
                          True),
             Distribution("/api/v1/promise", "application/json", N_("The commitments and their status as JSON")))),
)


def _texts(message: str) -> list[dict]:
    """Return a message in every language of the site, as language-tagged JSON-LD values."""
    values = []
    for language in LANGUAGES:
        with force_locale(language):
            values.append({"@language": language, "@value": _(message)})
    return values


def _id(url: str) -> dict:
    return {"@id": url}


def catalog(site_url: str, settings: dict) -> dict:
    """Return the DCAT-AP-SE catalogue of this site (served at `site_url`) as a JSON-LD document."""
    site_url = site_url.rstrip("/")
    publisher = {"@id": f"{site_url}/catalog.jsonld#publisher", "@type": "foaf:Agent",
                 "foaf:name": settings["CATALOG_PUBLISHER"]}
    contact = {"@id": f"{site_url}/catalog.jsonld#contact", "@type": "vcard:Organization",
               "vcard:fn": settings["CATALOG_PUBLISHER"]}
    if settings["CATALOG_CONTACT"]:
        contact["vcard:hasEmail"] = _id(f"mailto:{settings['CATALOG_CONTACT']}")
    licence = _id(settings["CATALOG_LICENSE"])
    service = {
        "@id": f"{site_url}/ogc", "@type": "dcat:DataService", "dcterms:title": _texts(N_("OGC API – Features")),
        "dcat:endpointURL": _id(f"{site_url}/ogc"), "dcat:endpointDescription": _id(f"{site_url}/api/v1/openapi.json"),
        "dcterms:conformsTo": _id(OGC_FEATURES), "dcterms:license": licence, "dcterms:publisher": _id(publisher["@id"]),
    }
    datasets = [_dataset(found, site_url, publisher["@id"], contact["@id"], licence, service["@id"])
                for found in DATASETS]
    service["dcat:servesDataset"] = [_id(f"{site_url}/catalog.jsonld#{found.key}") for found in DATASETS
                                     if found.collection]
    return {
        "@context": CONTEXT,
        "@graph": [{
            "@id": f"{site_url}/catalog.jsonld", "@type": "dcat:Catalog",
            "dcterms:title": _texts(N_("geoapp: safety-walk maps of Borlänge")),
            "dcterms:description": _texts(N_("The published numbers of the citizen promise for a safer western "
                                             "Borlänge: safety-walk observations, areas, activities and their "
                                             "follow-up.")),
            "dcterms:publisher": _id(publisher["@id"]), "foaf:homepage": _id(f"{site_url}/"),
            "dcterms:license": licence, "dcterms:language": [_id(uri) for uri in LANGUAGE_URIS.values()],
            "dcat:dataset": [_id(d["@id"]) for d in datasets], "dcat:service": [_id(service["@id"])],
        }, publisher, contact, service, *datasets],
    }


def _dataset(found: Dataset, site_url: str, publisher: str, contact: str, licence: dict, service: str) -> dict:
    distributions = [_distribution(d, site_url, licence) for d in found.distributions]
    if found.collection:
        distributions.append({
            "@id": f"{site_url}/ogc/collections/{found.collection}", "@type": "dcat:Distribution",
            "dcterms:title": _texts(N_("The collection in OGC API – Features (GeoJSON)")),
            "dcat:accessURL": _id(f"{site_url}/ogc/collections/{found.collection}"),
            "dcat:mediaType": _id("https://www.iana.org/assignments/media-types/application/geo+json"),
            "dcterms:format": _id(FORMATS["application/geo+json"]), "dcterms:license": licence,
            "dcat:accessService": _id(service),
        })
    return {
        "@id": f"{site_url}/catalog.jsonld#{found.key}", "@type": "dcat:Dataset",
        "dcterms:identifier": f"{site_url}/catalog.jsonld#{found.key}",
        "dcterms:title": _texts(found.title), "dcterms:description": _texts(found.description),
        "dcterms:publisher": _id(publisher), "dcat:contactPoint": _id(contact),
        "dcat:theme": _id(f"{EU}/data-theme/{found.theme}"), "dcterms:accrualPeriodicity": _id(IRREGULAR),
        "dcterms:language": [_id(uri) for uri in LANGUAGE_URIS.values()],
        "dcat:landingPage": _id(f"{site_url}/"),
        "dcat:distribution": distributions,
    }


def _distribution(found: Distribution, site_url: str, licence: dict) -> dict:
    url = f"{site_url}{found.path}"
    entry = {"@id": url, "@type": "dcat:Distribution", "dcterms:title": _texts(found.title),
             "dcat:accessURL": _id(url),
             "dcat:mediaType": _id(f"https://www.iana.org/assignments/media-types/{found.media}"),
             "dcterms:format": _id(FORMATS[found.media]), "dcterms:license": licence}
    if found.download:
        entry["dcat:downloadURL"] = _id(url)
    return entry
