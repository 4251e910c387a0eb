"""The citizen promise (medborgarlöfte) and its follow-up: commitments, indicators, status, trends and the report.

The promise is data (`data/promises/*.toml`, edited by the municipality); what it is measured by is
computed from published numbers only, so the follow-up never shows more than the map does.
"""
