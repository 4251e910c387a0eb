"""The DCAT-AP-SE catalogue: valid JSON-LD naming every dataset and distribution geoapp serves, each of them there."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

# rdflib's own JSON-LD parser still builds a ConjunctiveGraph, which rdflib itself deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
SITE = "https://trygghet.example.se"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"


@pytest.fixture
def catalogued(make_app):
    """A public app with a configured publisher, contact and site address; return its client and parsed catalogue."""
    app = make_app(PUBLIC_MAP=True, SITE_URL=SITE, CATALOG_CONTACT="trygghet@borlange.example.se")
    client = app.test_client()
    response = client.get("/catalog.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    return client, graph


def local(url) -> str:
    assert str(url).startswith(SITE), url
    return str(url)[len(SITE):]


def test_the_catalogue_describes_each_dataset_as_dcat_ap_se_asks(catalogued):
    _, graph = catalogued
    catalog, = graph.subjects(RDF.type, DCAT.Catalog)
    datasets = set(graph.objects(catalog, DCAT.dataset))
    assert datasets == set(graph.subjects(RDF.type, DCAT.Dataset)) and len(datasets) == 5
    publisher = graph.value(catalog, DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Borlänge kommun"
    for dataset in datasets:
        titles = {t.language: str(t) for t in graph.objects(dataset, DCTERMS.title)}
        assert set(titles) == {"sv", "en"} and titles["sv"] != titles["en"], dataset
        assert {t.language for t in graph.objects(dataset, DCTERMS.description)} == {"sv", "en"}
        assert graph.value(dataset, DCTERMS.publisher) == publisher
        contact = graph.value(dataset, DCAT.contactPoint)
        assert str(graph.value(contact, VCARD.hasEmail)) == "mailto:trygghet@borlange.example.se"
        assert str(graph.value(dataset, DCTERMS.accrualPeriodicity)).endswith("/frequency/IRREG")
        assert str(graph.value(dataset, DCAT.theme)).startswith("http://publications.europa.eu/resource/authority/")
        for distribution in graph.objects(dataset, DCAT.distribution):
            assert str(graph.value(distribution, DCTERMS.license)) == CC0
            assert graph.value(distribution, DCAT.accessURL) is not None
            assert graph.value(distribution, DCTERMS.format) is not None


def test_every_distribution_is_served_with_the_media_type_it_names(catalogued):
    client, graph = catalogued
    distributions = list(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) >= 10
    for distribution in distributions:
        url = local(graph.value(distribution, DCAT.accessURL))
        media = str(graph.value(distribution, DCAT.mediaType)).rsplit("/media-types/", 1)[1]
        with client.get(url, headers={"Accept": media}) as response:
            assert response.status_code == 200, url
            assert response.mimetype == media or (url.startswith("/ogc/") and response.mimetype == "application/json")


def test_every_data_endpoint_and_collection_is_named(catalogued):
    client, graph = catalogued
    named = {local(graph.value(d, DCAT.accessURL)) for d in graph.subjects(RDF.type, DCAT.Distribution)}
    api = {rule.rule for rule in client.application.url_map.iter_rules()
           if rule.rule.startswith("/api/v1/") and "GET" in rule.methods and "<" not in rule.rule}
    # The document describing the API is no dataset; a residents' page is one area's, reached from /omraden.
    assert api - {"/api/v1/openapi.json"} <= named, "add a distribution to geoapp/standards/catalog.py"
    collections = {c["id"] for c in client.get("/ogc/collections").get_json()["collections"]}
    assert {f"/ogc/collections/{c}" for c in collections} <= named
    service, = graph.subjects(RDF.type, DCAT.DataService)
    assert local(graph.value(service, DCAT.endpointURL)) == "/ogc"
    assert local(graph.value(service, DCAT.endpointDescription)) == "/api/v1/openapi.json"


def test_without_a_contact_address_the_publisher_alone_is_named(make_app):
    client = make_app(PUBLIC_MAP=True, CATALOG_PUBLISHER="Falu kommun").test_client()
    graph = rdflib.Graph().parse(data=client.get("/catalog.jsonld").get_data(as_text=True), format="json-ld")
    contact, = set(graph.objects(None, DCAT.contactPoint))
    assert str(graph.value(contact, VCARD.fn)) == "Falu kommun" and graph.value(contact, VCARD.hasEmail) is None
    catalog, = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(graph.value(catalog, FOAF.homepage)) == "http://localhost/"
