"""SpasmNav in the browser: server-rendered pages and the REST API (``/api/v1``)."""

from .app import WebCore, app_from_env, create_app

__all__ = ["WebCore", "app_from_env", "create_app"]
