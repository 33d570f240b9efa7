"""The apps under /api/v1/ are tried busiest first (config/urls.py): that is only safe while no
path matches two of them, whatever their order."""

import re
from collections.abc import Iterator

from django.urls import Resolver404, URLPattern, URLResolver

from config.urls import api_v1


def _routes(entry: URLPattern | URLResolver, prefix: str = "") -> Iterator[str]:
    if isinstance(entry, URLResolver):
        for child in entry.url_patterns:
            yield from _routes(child, prefix + str(entry.pattern))
    else:
        yield prefix + str(entry.pattern)


def _example(route: str) -> str:
    """A path the route matches: each parameter, regular or converter, as "1"."""
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    path = re.sub(r"<(?:\w+:)?\w+>", "1", path)
    return path.replace("^", "").replace("$", "").replace("\\.", ".")


def _matches(entry: URLPattern | URLResolver, path: str) -> bool:
    if isinstance(entry, URLPattern):
        return entry.resolve(path) is not None
    try:
        entry.resolve(path)
    except Resolver404:
        return False
    return True


def test_no_api_path_matches_two_of_the_included_apps() -> None:
    checked = 0
    for entry in api_v1:
        for route in _routes(entry):
            path = _example(route)
            assert _matches(entry, path), (route, path)  # the example is a real path
            others = [other for other in api_v1 if other is not entry and _matches(other, path)]
            assert others == [], (path, others)
            checked += 1
    assert checked > 100
