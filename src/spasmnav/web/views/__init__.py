"""HTTP views: pages and the REST API."""
