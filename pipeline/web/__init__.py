"""The worker's web side: a live dashboard at ``/``, its figures at ``/api/status``, Prometheus at ``/metrics``.

The stream layer starts :class:`Dashboard` on the worker's event loop; everything it shows
comes from a :class:`newsflow.monitor.Monitor`.  The page is one static HTML file with a
small script (an SVG chart drawn by hand), shipped as package data: no build step, no CDN.
"""

from newsflow.web.server import Dashboard, child_addresses, read_address, write_address

__all__ = ["Dashboard", "child_addresses", "read_address", "write_address"]
