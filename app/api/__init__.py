"""REST API under /api/v1 (JWT login at /api/v1/security/login, spec at /api/v1/_openapi)."""

from flask_appbuilder import AppBuilder

from . import openapi
from .resources import RESOURCES


def init_api(appbuilder: AppBuilder) -> None:
    for resource in RESOURCES:
        appbuilder.add_api(resource)
    openapi.register(appbuilder)
