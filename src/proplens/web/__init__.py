"""The web app and REST API (``proplens serve``): FastAPI + Jinja2 over the same library functions."""

from proplens.web.app import create_app
from proplens.web.settings import Settings

__all__ = ["Settings", "create_app"]
