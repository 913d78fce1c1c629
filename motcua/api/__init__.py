"""The JSON API v1: parse, call a service, answer. Errors are always {"error": {code, message}}."""
from motcua.api.views import bp

__all__ = ["bp"]
