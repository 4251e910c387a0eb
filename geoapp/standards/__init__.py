"""Standard interfaces over what geoapp publishes: OGC API – Features, the OpenAPI document, the DCAT-AP-SE catalogue.

Each builds its documents from the same published output as /api/v1 (the privacy module's sealed numbers,
the areas, the delayed activities), never from the store.
"""
