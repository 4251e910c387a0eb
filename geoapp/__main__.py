"""Run the `geoapp` command as `python -m geoapp`."""

from geoapp.cli import main

main()
