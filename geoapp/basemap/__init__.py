"""The municipality's own basemap: a raster tile archive imported once, stored in the instance folder, served by geoapp.

- `archive` reads MBTiles, PMTiles and GeoPackage tile layers behind one interface, in the XYZ tile scheme.
- `grid` lists the XYZ tiles over an extent or over geometries.
- `checks` decides whether an archive can be the basemap of the stored areas.
- `store` keeps the imported archive in the instance folder and opens it for each thread and process.
- `source` resolves GEOAPP_TILES into the tile URL template and attribution the maps use, and the attribution as print shows it.
- `mosaic` joins an archive's tiles into one image for the printed exports.
"""
